using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;

namespace Llm.Api.Tests.Operations;

/// <summary>Models loaded on first use, LRU eviction, keep-alive, memory budget, and a broken model that does not take the others down.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task FirstUseLoadingEvictsTheLeastRecentlyUsedAndShowsStatesInModels()
    {
        var folder = Directory.CreateTempSubdirectory("llm-lifecycle-").FullName;
        await using var server = await OpsServer.StartAsync("--load-mode", "first-use", "--max-loaded", "1",
            "--model", "a=" + OpsServer.DemoCopy(folder, "a"), "--model", "b=" + OpsServer.DemoCopy(folder, "b"));
        Assert.Equal(["unloaded", "unloaded"], await StatesAsync(server, "a", "b"));

        Assert.Equal(200, (int)(await Chat.PostAsync(server.Http, Chat.Body("a"))).StatusCode);
        Assert.Equal(["ready", "unloaded"], await StatesAsync(server, "a", "b"));
        await Task.Delay(1200); // a must be idle past the busy grace to give way
        Assert.Equal(200, (int)(await Chat.PostAsync(server.Http, Chat.Body("b"))).StatusCode);
        Assert.Equal(["unloaded", "ready"], await StatesAsync(server, "a", "b"));
    }

    [Fact]
    public async Task IdleModelsUnloadAfterTheKeepAliveAndReloadOnTheNextRequest()
    {
        await using var server = await OpsServer.StartAsync("--keep-alive", "3");
        Assert.Equal(["ready"], await StatesAsync(server, "demo"));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await StatesAsync(server, "demo"))[0] != "unloaded" && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal(["unloaded"], await StatesAsync(server, "demo"));
        using var reply = await Chat.PostAsync(server.Http, Chat.Body());
        Assert.Equal(DemoModel.ChatReply, (await Chat.JsonAsync(reply)).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task AModelLargerThanTheMemoryBudgetFailsWithAClearErrorOnItsOwnRequests()
    {
        await using var server = await OpsServer.StartAsync("--load-mode", "first-use", "--memory-budget-mib", "1");
        var error = await Chat.ErrorAsync(await Chat.PostAsync(server.Http, Chat.Body()), 503, "model_load_failed");
        Assert.Contains("memory budget", error.GetProperty("message").GetString());
        var meta = (await Chat.JsonAsync(await server.Http.GetAsync("/v1/models/demo"))).GetProperty("meta");
        Assert.Equal("failed", meta.GetProperty("state").GetString());
    }

    [Fact]
    public async Task TruncatedAndNonGgufModelsFailTheirOwnLoadsWhileAnotherKeepsServing()
    {
        var folder = Directory.CreateTempSubdirectory("llm-faults-").FullName;
        var whole = await File.ReadAllBytesAsync(DemoModel.EnsureBuilt(folder));
        var cut = Path.Combine(folder, "cut.gguf");
        await File.WriteAllBytesAsync(cut, whole[..(whole.Length / 2)]);
        var text = Path.Combine(folder, "text.gguf");
        await File.WriteAllTextAsync(text, "not a model");
        await using var server = await OpsServer.StartAsync("--load-mode", "first-use",
            "--model", "good=" + OpsServer.DemoCopy(folder, "good"), "--model", "cut=" + cut, "--model", "text=" + text);

        var cutError = await Chat.ErrorAsync(await Chat.PostAsync(server.Http, Chat.Body("cut")), 503, "model_load_failed");
        Assert.Contains("cut", cutError.GetProperty("message").GetString());
        var textError = await Chat.ErrorAsync(await Chat.PostAsync(server.Http, Chat.Body("text")), 503, "model_load_failed");
        Assert.Contains("not a GGUF file", textError.GetProperty("message").GetString());

        using var good = await Chat.PostAsync(server.Http, Chat.Body("good"));
        Assert.Equal(200, (int)good.StatusCode);
        Assert.Equal(200, (int)(await server.Http.GetAsync("/health")).StatusCode);
        var models = (await Chat.JsonAsync(await server.Http.GetAsync("/v1/models"))).GetProperty("data").EnumerateArray()
            .ToDictionary(m => m.GetProperty("id").GetString()!, m => m.GetProperty("meta"));
        Assert.Equal("ready", models["good"].GetProperty("state").GetString());
        Assert.Equal("failed", models["cut"].GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(models["cut"].GetProperty("error").GetString()));
        Assert.Contains("not a GGUF file", models["text"].GetProperty("error").GetString());
    }

    private static async Task<string[]> StatesAsync(OpsServer server, params string[] names)
    {
        var data = JsonDocument.Parse(await server.Http.GetStringAsync("/v1/models")).RootElement.GetProperty("data");
        return [.. names.Select(n => data.EnumerateArray().Single(m => m.GetProperty("id").GetString() == n).GetProperty("meta").GetProperty("state").GetString()!)];
    }
}
