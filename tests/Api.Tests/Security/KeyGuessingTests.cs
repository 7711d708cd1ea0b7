using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Security;

/// <summary>Guessing keys is bounded per client address: past the limit, keyed requests get 429, even the right key.</summary>
public sealed class KeyGuessingTests
{
    [Fact]
    public async Task WrongKeysPastTheLimitBlockTheAddressAndARefusalNoLongerTellsAGuessFromTheKey()
    {
        await using var server = await OpsServer.StartAsync("--api-key", "sk-right", "--wrong-key-limit", "5");
        using var right = server.Client("sk-right");
        Assert.Equal(200, (int)(await right.GetAsync("/v1/models")).StatusCode);

        for (var i = 0; i < 5; i++)
        {
            using var wrong = server.Client($"sk-guess-{i}");
            await Chat.ErrorAsync(await wrong.GetAsync("/v1/models"), 401, "invalid_api_key");
        }

        using var sixth = server.Client("sk-guess-6");
        var blocked = await sixth.GetAsync("/v1/models");
        await Chat.ErrorAsync(blocked, 429, "rate_limit_exceeded");
        Assert.NotNull(blocked.Headers.RetryAfter);
        // The right key is refused the same way while the address is blocked, so a guess cannot be confirmed.
        await Chat.ErrorAsync(await right.GetAsync("/v1/models"), 429, "rate_limit_exceeded");
        // Requests without a key guess nothing: they still get 401, and public paths stay open.
        await Chat.ErrorAsync(await server.Http.GetAsync("/v1/models"), 401, "invalid_api_key");
        Assert.Equal(200, (int)(await server.Http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task TheLimitCanBeTurnedOff()
    {
        await using var server = await OpsServer.StartAsync("--api-key", "sk-right", "--wrong-key-limit", "0");
        for (var i = 0; i < 40; i++)
        {
            using var wrong = server.Client($"sk-guess-{i}");
            await Chat.ErrorAsync(await wrong.GetAsync("/v1/models"), 401, "invalid_api_key");
        }
        using var right = server.Client("sk-right");
        Assert.Equal(200, (int)(await right.GetAsync("/v1/models")).StatusCode);
    }
}
