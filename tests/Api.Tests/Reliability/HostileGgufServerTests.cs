using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Llm.Api.Tests.Infrastructure;
using Llm.Runtime.Models.Demo;
using Llm.Runtime.Tests.Gguf.Hostile;

namespace Llm.Api.Tests.Reliability;

/// <summary>
/// The real server process against the hostile GGUF corpus: under first-use every hostile model answers 503
/// model_load_failed with its reason while the good model keeps serving; at start a hostile model stops start-up with
/// exit code 1 and one line, never a crash (134 abort, 136 SIGFPE, 139 SIGSEGV) or an out-of-memory kill.
/// </summary>
public sealed class HostileGgufServerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-hostile-gguf-").FullName;

    [Fact]
    public async Task UnderFirstUseEveryHostileModelFailsAloneAndTheGoodModelKeepsServing()
    {
        var kinds = HostileGguf.Kinds.Append(HostileGguf.UnknownToLlamaCpp).ToArray();
        var args = new List<string> { "--port", "0", "--load-mode", "first-use", "--ctx-size", "512", "--cache-dir", _folder,
            "--data-dir", Path.Combine(_folder, "data"), "--model", "demo=" + DemoModel.EnsureBuilt(_folder) };
        foreach (var kind in kinds) args.AddRange(["--model", $"{kind.Name}={kind.Write(_folder)}"]);
        var mutants = HostileGguf.PassingMutants(24, seed: 99).Select((bytes, i) =>
        {
            var path = Path.Combine(_folder, $"mutant-{i}.gguf");
            File.WriteAllBytes(path, bytes);
            return (Name: $"mutant-{i}", Path: path);
        }).ToArray();
        foreach (var mutant in mutants) args.AddRange(["--model", $"{mutant.Name}={mutant.Path}"]);
        using var server = ServerProcess.Start([.. args]);
        using var http = new HttpClient { BaseAddress = await server.ListeningAsync(Timeout), Timeout = Timeout };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

        foreach (var kind in kinds)
        {
            using var response = await http.PostAsJsonAsync("/v1/chat/completions", Chat(kind.Name));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{kind.Name}: {(int)response.StatusCode} {body}\n{server.Output}");
            var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
            Assert.Equal("model_load_failed", error.GetProperty("code").GetString());
            var message = error.GetProperty("message").GetString()!;
            Assert.Contains(kind.Expected, message, StringComparison.Ordinal);
            Assert.DoesNotContain("Failed to load model", message, StringComparison.Ordinal);
        }

        // What passes the gate reaches llama.cpp, which loads it or says why; either way the process lives on.
        foreach (var mutant in mutants)
        {
            using var response = await http.PostAsJsonAsync("/v1/chat/completions", Chat(mutant.Name));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK || body.Contains("model_load_failed", StringComparison.Ordinal), $"{mutant.Name}: {(int)response.StatusCode} {body}");
        }

        using var good = await http.PostAsJsonAsync("/v1/chat/completions", Chat("demo", maxTokens: 64));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var reply = JsonDocument.Parse(await good.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(DemoModel.ChatReply, reply.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

        // A second request gets the same recorded reason, without loading again.
        using var again = await http.PostAsJsonAsync("/v1/chat/completions", Chat("block-count-0"));
        Assert.Contains("llama.block_count", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>With <c>--gpu-layers auto</c> the load plans layers from the header first; the gate runs before that plan.</summary>
    [Fact]
    public async Task UnderFirstUseWithAutomaticGpuLayersTheSameReasonsReachTheClient()
    {
        var kinds = HostileGguf.Kinds.Where(k => HostileGguf.Named.Contains(k.Name)).ToArray();
        var args = new List<string> { "--port", "0", "--load-mode", "first-use", "--gpu-layers", "auto", "--ctx-size", "512",
            "--cache-dir", _folder, "--data-dir", Path.Combine(_folder, "data"), "--model", "demo=" + DemoModel.EnsureBuilt(_folder) };
        foreach (var kind in kinds) args.AddRange(["--model", $"{kind.Name}={kind.Write(_folder)}"]);
        using var server = ServerProcess.Start([.. args]);
        using var http = new HttpClient { BaseAddress = await server.ListeningAsync(Timeout), Timeout = Timeout };
        foreach (var kind in kinds)
        {
            using var response = await http.PostAsJsonAsync("/v1/chat/completions", Chat(kind.Name));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains("model_load_failed", StringComparison.Ordinal), $"{kind.Name}: {body}");
            Assert.Contains(kind.Expected, body, StringComparison.Ordinal);
            Assert.Contains("is refused: ", body, StringComparison.Ordinal);
        }
        using var good = await http.PostAsJsonAsync("/v1/chat/completions", Chat("demo", maxTokens: 64));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    /// <summary>The kinds that crashed the process before, plus one of each other family and one only llama.cpp refuses.</summary>
    public static TheoryData<string> StartUpKinds() => new(HostileGguf.Named.Concat(
        ["kv-count-huge", "truncated-in-tensor-infos", "head-count-0", "scores-short", "offset-overlaps", "unknown-tensor-type", "n-dims-5",
            HostileGguf.UnknownToLlamaCpp.Name]));

    [Theory]
    [MemberData(nameof(StartUpKinds))]
    public async Task AtStartAHostileModelStopsTheServerWithExitCode1AndItsReason(string name)
    {
        var kind = name == HostileGguf.UnknownToLlamaCpp.Name ? HostileGguf.UnknownToLlamaCpp : HostileGguf.Kinds.Single(k => k.Name == name);
        var path = kind.Write(_folder);
        using var server = ServerProcess.Start("--port", "0", "--ctx-size", "512", "--model", $"{name}={path}");
        var exit = await server.WaitForExitAsync(Timeout);
        Assert.True(exit == 1, $"exit code {exit}\n{server.Output}");
        if (kind == HostileGguf.UnknownToLlamaCpp)
        {
            // Our gate passes it; llama.cpp's own reason reaches the log instead of "Failed to load model".
            var expected = $"failed to load: llama.cpp could not load '{path}': unknown model architecture: 'notallama'";
            Assert.True(server.Output.Contains($"Model load failed: {name}: ", StringComparison.Ordinal) && server.Output.Contains(expected, StringComparison.Ordinal), server.Output);
            return;
        }
        var line = Assert.Single(server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"llm: Model file '{path}' is refused: ", line, StringComparison.Ordinal);
        Assert.Contains(kind.Expected, line, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static object Chat(string model, int maxTokens = 4) => new { model, messages = new[] { new { role = "user", content = "hi" } }, temperature = 0, max_tokens = maxTokens };
}
