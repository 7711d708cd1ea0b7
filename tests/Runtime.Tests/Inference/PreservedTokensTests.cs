using System.Text;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Inference;

namespace Llm.Runtime.Tests.Inference;

/// <summary>
/// Control tokens render as nothing unless the request preserves them (tool-call markers), on the demo model, whose
/// <c>&lt;|im_start|&gt;</c> (id 354) is a control token that a logit bias makes it sample.
/// </summary>
public sealed class PreservedTokensTests(EngineHarness harness) : IClassFixture<EngineHarness>
{
    private const int ImStart = 354;

    [Fact]
    public async Task APreservedControlTokenIsWrittenAndOthersAreNot()
    {
        using var host = harness.Demo();
        var prompt = host.Tokenize("hello", addSpecial: true, parseSpecial: false);
        var sampling = EngineHarness.Greedy with { LogitBias = new Dictionary<int, float> { [ImStart] = 2000f } };

        async Task<(string Text, int Tokens)> RunAsync(IReadOnlyList<int> preserved)
        {
            var text = new StringBuilder();
            var tokens = 0;
            await foreach (var update in host.Submit(new GenerationRequest { PromptTokens = prompt, MaxTokens = 3, Sampling = sampling, PreservedTokens = preserved }).ReadAllAsync())
            {
                text.Append(update.Text);
                tokens = update.CompletionTokens;
            }
            return (text.ToString(), tokens);
        }

        var plain = await RunAsync([]);
        Assert.Equal((string.Empty, 3), plain);
        var preserved = await RunAsync([ImStart]);
        Assert.Equal(("<|im_start|><|im_start|><|im_start|>", 3), preserved);
        // Preserving another token changes nothing for this one.
        Assert.Equal((string.Empty, 3), await RunAsync([355]));
    }

    [Fact]
    public void OnlyMarkersThatAreControlTokensArePreservedForTools()
    {
        using var host = harness.Demo();
        // The demo template names no tool syntax (Hermes), and the demo vocabulary spells <tool_call> as text.
        Assert.Equal(ToolCallFormat.Hermes, host.Template.ToolCallFormat);
        Assert.Empty(host.ToolCallMarkerTokens);
    }
}
