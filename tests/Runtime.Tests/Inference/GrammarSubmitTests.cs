using System.Text;
using Llm.Runtime.Errors;
using Llm.Runtime.Inference;

namespace Llm.Runtime.Tests.Inference;

/// <summary>
/// The engine parses a request's grammar when the request is submitted, on the caller's thread: a grammar llama.cpp
/// refuses throws there (nothing is queued, no slot is taken), and the engine goes on serving everyone else.
/// </summary>
public sealed class GrammarSubmitTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    [Theory]
    [InlineData("root ::= [a-z]{0,2000}")]
    [InlineData("root ::= ( [a-z]{0,1999} )?")]
    [InlineData("root ::= missing")]
    [InlineData("root ::= \"unterminated")]
    public async Task A_refused_grammar_throws_at_submit_and_the_engine_keeps_serving(string gbnf)
    {
        var prompt = fixture.Demo.Tokenize("hello", addSpecial: true, parseSpecial: true);
        var before = fixture.Demo.GetMetrics();
        var request = new GenerationRequest { PromptTokens = prompt, MaxTokens = 4, Sampling = new SamplingParams { Temperature = 0, Grammar = new GrammarSpec(gbnf) } };
        Assert.Throws<GrammarRejectedException>(() => fixture.Demo.Submit(request));
        Assert.Equal(before.WaitingSequences, fixture.Demo.GetMetrics().WaitingSequences);

        // The same request with a grammar llama.cpp accepts runs and follows it.
        var stream = fixture.Demo.Submit(request with { Sampling = request.Sampling with { Grammar = new GrammarSpec("root ::= \"ok\"") } });
        var text = new StringBuilder();
        await foreach (var update in stream.ReadAllAsync()) text.Append(update.Text);
        Assert.Equal("ok", text.ToString());
    }
}
