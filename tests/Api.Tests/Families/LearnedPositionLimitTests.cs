using System.Net;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Tests.Families;

namespace Llm.Api.Tests.Families;

/// <summary>
/// A model with a learned position table (BERT: 512 positions) served with a larger <c>--ctx-size</c>: a position
/// past the table would abort llama.cpp, so the context is the table's size and longer inputs get a 400.
/// </summary>
public sealed class LearnedPositionLimitTests
{
    [Fact]
    public async Task InputsPastThePositionTableAre400AndTheServerLives()
    {
        await using var server = await OpsServer.StartAsync("--ctx-size", "4096", "--parallel", "1", "--model", "bert=" + BertModel.Path);
        string Words(int count) => JsonSerializer.Serialize(string.Concat(Enumerable.Repeat("word ", count)));

        // 510 words + [CLS] + [SEP] fill the 512 positions exactly.
        using var fits = await server.Http.PostAsync("/v1/embeddings", Sse.Json($$"""{"model":"bert","input":{{Words(510)}}}"""));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Equal(512, Sse.Parse(await fits.Content.ReadAsStringAsync()).GetProperty("usage").GetProperty("prompt_tokens").GetInt32());

        foreach (var input in new[] { Words(511), JsonSerializer.Serialize(Enumerable.Repeat(7632, 513)) })
        {
            using var tooLong = await server.Http.PostAsync("/v1/embeddings", Sse.Json($$"""{"model":"bert","input":{{input}}}"""));
            var text = await tooLong.Content.ReadAsStringAsync();
            Assert.True(tooLong.StatusCode == HttpStatusCode.BadRequest, text);
            Assert.Contains("512", Sse.Parse(text).GetProperty("error").GetProperty("message").GetString());
        }

        using var again = await server.Http.PostAsync("/v1/embeddings", Sse.Json("""{"model":"bert","input":"still alive"}"""));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}
