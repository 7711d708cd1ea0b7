using System.Diagnostics;
using System.Text.Json;
using Llm.Runtime.Errors;
using Llm.Runtime.Grammar;
using Llm.Runtime.Inference;
using Xunit.Abstractions;

namespace Llm.Runtime.Tests.Grammar;

/// <summary>
/// Grammars llama.cpp refuses are errors, never a null sampler in a chain (which crashed the process on the first
/// token); what the converter emits at its largest supported bounds is accepted; and bans on every token the grammar
/// allows still leave a token the grammar allows (an -inf ban made llama.cpp accept a forbidden one and abort).
/// </summary>
public sealed class NativeGrammarTests(TinyLlamaFixture model, ITestOutputHelper output) : IClassFixture<TinyLlamaFixture>
{
    // Each one is refused by llama.cpp's parser, for a different reason.
    [Theory]
    [InlineData("root ::= c{0,2000}\nc ::= [a-z]")]
    [InlineData("root ::= c{2000}\nc ::= [a-z]")]
    [InlineData("root ::= c{2001,}\nc ::= [a-z]")]
    [InlineData("root ::= ( \",\" c d ){0,700}\nc ::= [a-z]\nd ::= [0-9]")]
    [InlineData("root ::= ( c{0,1999} )?\nc ::= [a-z]")]
    [InlineData("root ::= undefined")]
    [InlineData("root ::= \"a")]
    [InlineData("root ::= ( \"a\"")]
    [InlineData("other ::= \"a\"")]
    [InlineData("root ::= root \"a\"")]
    [InlineData("")]
    public void A_grammar_llama_cpp_refuses_is_an_error_and_no_chain_is_returned(string gbnf)
    {
        Assert.Throws<GrammarRejectedException>(() => NativeGrammar.Validate(model.Model, new GrammarSpec(gbnf)));
        var sampling = new SamplingParams { Grammar = new GrammarSpec(gbnf) };
        Assert.Throws<GrammarRejectedException>(() => SamplerChain.Create(sampling, model.Model));
    }

    [Fact]
    public void A_grammar_llama_cpp_accepts_makes_a_chain_that_samples_it()
    {
        using var chain = SamplerChain.Create(new SamplingParams { Grammar = new GrammarSpec("root ::= \"ab\" [0-9]{1,3}"), Seed = 1 }, model.Model);
        var text = model.Generate(chain, 10).Text;
        Assert.Matches("^ab[0-9]{1,3}$", text);
    }

    // The converter's largest bounds, alone and inside groups that are themselves optional or repeated.
    [Theory]
    [InlineData("""{"type":"string","maxLength":1999}""")]
    [InlineData("""{"type":"string","minLength":1999}""")]
    [InlineData("""{"type":"string","maxLength":100000}""")]
    [InlineData("""{"type":"array","maxItems":2000}""")]
    [InlineData("""{"type":"array","minItems":1999,"items":{"type":"integer"}}""")]
    [InlineData("""{"type":"array","minItems":1,"maxItems":1999,"items":{"type":"string","maxLength":1999}}""")]
    [InlineData("""{"type":"array","maxItems":1999,"items":{"type":"array","maxItems":1999,"items":{"type":"array","maxItems":1999}}}""")]
    [InlineData("""{"type":"array","prefixItems":[{"type":"string","maxLength":1999},{"type":"integer"}],"items":{"type":"boolean"},"maxItems":1999}""")]
    [InlineData("""{"type":["string","null"],"maxLength":1999}""")]
    [InlineData("""{"type":"string","maxLength":1999,"nullable":true}""")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","maxLength":1999},"b":{"anyOf":[{"type":"array","maxItems":1999},{"type":"string","minLength":1999}]}}}""")]
    public void Schemas_at_the_largest_supported_bounds_make_grammars_llama_cpp_accepts(string schema)
    {
        var gbnf = JsonSchemaGrammar.FromSchema(JsonDocument.Parse(schema).RootElement);
        NativeGrammar.Validate(model.Model, new GrammarSpec(gbnf));
    }

    // The budget is set from this: what the largest grammars the default limits allow cost llama.cpp to parse.
    [Fact]
    public void The_largest_grammars_the_budgets_allow_parse_quickly()
    {
        var options = JsonSchemaGrammarOptions.Default;
        var cases = new Dictionary<string, string>
        {
            ["enum"] = """{"enum":[""" + string.Join(",", Enumerable.Range(0, options.MaxAlternatives).Select(i => $"\"value-{i:D6}\"")) + "]}",
            ["properties"] = """{"type":"object","properties":{""" + string.Join(",", Enumerable.Range(0, options.MaxProperties).Select(i => $"\"p{i}\":{{\"type\":\"integer\"}}")) + "}}",
            ["anyOf"] = """{"anyOf":[""" + string.Join(",", Enumerable.Range(0, options.MaxAlternatives).Select(i => $"{{\"const\":{i}}}")) + "]}",
            ["tuple"] = """{"type":"array","prefixItems":[""" + string.Join(",", Enumerable.Repeat("""{"type":"string","maxLength":1999}""", options.MaxPrefixItems)) + "]}",
        };
        foreach (var (name, schema) in cases)
        {
            var gbnf = JsonSchemaGrammar.FromSchema(JsonDocument.Parse(schema).RootElement);
            NativeGrammar.Validate(model.Model, new GrammarSpec(gbnf)); // warm
            var watch = Stopwatch.StartNew();
            NativeGrammar.Validate(model.Model, new GrammarSpec(gbnf));
            output.WriteLine($"{name}: {gbnf.Length} chars of GBNF parsed in {watch.Elapsed.TotalMilliseconds:F1} ms");
            Assert.True(gbnf.Length <= options.MaxGrammarLength);
            // 50 ms measured budget, with slack for a loaded shared machine.
            Assert.True(watch.ElapsedMilliseconds < 500, $"{name} took {watch.ElapsedMilliseconds} ms");
        }
    }

    // Every token banned (-inf, as in-process callers may pass, or OpenAI's -100), with every sampler setting that
    // narrows the candidates: the grammar's choice survives, and llama.cpp never accepts a token it forbids.
    public static TheoryData<float, float, int, float, float> Bans() => new()
    {
        { float.NegativeInfinity, 1f, 0, 1f, 0f },
        { float.NegativeInfinity, 0f, 0, 1f, 0f },
        { SamplingParams.BannedBias, 1f, 1, 0.01f, 0f },
        { float.NegativeInfinity, 2f, 0, 1f, 0.99f },
        { float.NegativeInfinity, 1e-30f, 0, 1f, 0f },
        { -1e30f, 1e-5f, 40, 0.5f, 0.5f },
    };

    [Theory]
    [MemberData(nameof(Bans))]
    public void Banning_every_token_still_samples_what_the_grammar_allows(float ban, float temperature, int topK, float topP, float minP)
    {
        var vocabulary = model.Model.Vocab.Count;
        var biases = Enumerable.Range(0, vocabulary).ToDictionary(t => t, _ => ban);
        var sampling = new SamplingParams
        {
            Grammar = new GrammarSpec(JsonSchemaGrammar.AnyJsonObject), LogitBias = biases, Temperature = temperature, TopK = topK, TopP = topP, MinP = minP, Seed = 7,
        };
        using var chain = SamplerChain.Create(sampling, model.Model);
        var text = model.Generate(chain, 8).Text;
        Assert.StartsWith("{", text.TrimStart());
    }

    [Fact]
    public void A_positive_infinite_bias_on_tokens_the_grammar_forbids_is_no_escape()
    {
        var biases = Enumerable.Range(0, model.Model.Vocab.Count).ToDictionary(t => t, _ => float.PositiveInfinity);
        using var chain = SamplerChain.Create(new SamplingParams { Grammar = new GrammarSpec("root ::= \"x\"{1,4}"), LogitBias = biases, Seed = 3 }, model.Model);
        Assert.Matches("^x{1,4}$", model.Generate(chain, 6).Text);
    }
}
