using Llm.Runtime.Models;
using Llm.Runtime.Tests.Inference;

namespace Llm.Runtime.Tests.Models;

/// <summary>A context of a few cells aborted llama.cpp while it reserved outputs; it is raised to the minimum instead.</summary>
public sealed class MinimumContextTests(EngineHarness harness) : IClassFixture<EngineHarness>
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task ATinyContextIsRaisedAndTheModelRuns(int contextSize)
    {
        using var host = harness.Demo(contextSize: contextSize);
        Assert.Equal(ModelHost.MinimumContextSize, host.ContextSize);
        var result = await EngineHarness.GenerateAsync(host, host.Tokenize("hello", addSpecial: true, parseSpecial: false), 50);
        Assert.Equal("pqrstuvwxyz.", result.Text);
    }
}
