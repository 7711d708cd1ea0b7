using System.Net.Http.Json;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;

namespace Llm.Api.Tests.Hosting;

/// <summary><c>--model demo</c> and <c>--model NAME=demo</c> serve the built-in demo model beside the other models.</summary>
public sealed class DemoModelFlagTests
{
    [Fact]
    public async Task Model_demo_serves_the_built_in_model_beside_a_file()
    {
        var other = OpsServer.DemoCopy(Directory.CreateTempSubdirectory("llm-demo-flag-").FullName, "other");
        await using var server = await OpsServer.StartAsync("--model", "demo", "--model", "twin=demo", "--model", "other=" + other);

        var models = (await server.Http.GetFromJsonAsync<JsonElement>("/v1/models")).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToHashSet();
        Assert.Equal(["demo", "other", "twin"], models.Order());
        foreach (var model in new[] { "demo", "twin", "other" })
        {
            using var response = await server.Http.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 2 });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{model}: {(int)response.StatusCode} {text}");
        }
    }
}
