using System.Text.Json;
using Llm.Runtime.Grammar;
using static Llm.Runtime.Tests.Grammar.GrammarAssert;

namespace Llm.Runtime.Tests.Grammar;

/// <summary>
/// The breadth budgets: however wide a schema is, the converter's work, its stack and the grammar llama.cpp must
/// parse stay bounded, and going past a budget names the keyword and the limit.
/// </summary>
public sealed class JsonSchemaBudgetTests
{
    private static string Properties(int n, bool required = false) =>
        """{"type":"object","properties":{""" + string.Join(",", Enumerable.Range(0, n).Select(i => $"\"p{i}\":{{\"type\":\"integer\"}}")) + "}"
        + (required ? ",\"required\":[" + string.Join(",", Enumerable.Range(0, n).Select(i => $"\"p{i}\"")) + "]" : "") + "}";

    private static string List(string keyword, int n, string item) => $"{{\"{keyword}\":[" + string.Join(",", Enumerable.Range(0, n).Select(i => string.Format(System.Globalization.CultureInfo.InvariantCulture, item, i))) + "]}";

    public static TheoryData<string, string, string> PastABudget() => new()
    {
        { Properties(1001), "properties", "1000" },
        { """{"type":"object","properties":{"a":""" + Properties(600) + ",\"b\":" + Properties(600) + "}}", "properties", "1000" },
        { List("enum", 1001, "\"v{0}\""), "enum", "1000" },
        { List("enum", 100_000, "\"v{0}\""), "enum", "1000" },
        { List("anyOf", 1001, "{{\"const\":{0}}}"), "anyOf", "1000" },
        { """{"type":"object","properties":{"a":""" + List("enum", 600, "{0}") + ",\"b\":" + List("oneOf", 600, "{{\"const\":{0}}}") + "}}", "oneOf", "1000" },
        { """{"type":"array","prefixItems":[""" + string.Join(",", Enumerable.Repeat("{}", 101)) + "]}", "prefixItems", "100" },
        { """{"type":"array","items":[""" + string.Join(",", Enumerable.Repeat("{}", 1000)) + "]}", "items", "100" },
        { """{"type":"string","minLength":2000}""", "minLength", "1999" },
        { """{"type":"array","minItems":2000}""", "minItems", "1999" },
        { """{"type":"string","minLength":5,"maxLength":3}""", "maxLength", "maxLength" },
        { """{"type":["string","null"],"minLength":5,"maxLength":3}""", "maxLength", "maxLength" },
        { """{"type":"array","minItems":5,"maxItems":3}""", "maxItems", "maxItems" },
    };

    [Theory]
    [MemberData(nameof(PastABudget))]
    public void A_schema_past_a_budget_names_the_keyword_and_the_limit(string schema, string keyword, string limit)
    {
        var error = Assert.Throws<JsonSchemaGrammarException>(() => Convert(schema));
        Assert.Equal(keyword, error.Keyword);
        Assert.Contains(limit, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subschemas_and_grammar_length_have_budgets_too()
    {
        var tree = """{"type":"array","items":""" + Properties(50) + "}";
        var subschemas = Assert.Throws<JsonSchemaGrammarException>(() => Convert(tree, new JsonSchemaGrammarOptions { MaxSubschemas = 20 }));
        Assert.Contains("more than 20 subschemas", subschemas.Message, StringComparison.Ordinal);
        var length = Assert.Throws<JsonSchemaGrammarException>(() => Convert(tree, new JsonSchemaGrammarOptions { MaxGrammarLength = 1000 }));
        Assert.Contains("at most 1000", length.Message, StringComparison.Ordinal);
        Assert.True(Convert(tree).Length > 1000);
    }

    // One stack frame per property used to overflow near 16,000 properties; now the members are built in a loop.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_wide_object_converts_on_a_small_stack_when_the_budget_allows_it(bool required)
    {
        var schema = Properties(50_000, required);
        var options = new JsonSchemaGrammarOptions { MaxProperties = 100_000, MaxSubschemas = 100_000, MaxGrammarLength = int.MaxValue };
        string? gbnf = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                gbnf = JsonSchemaGrammar.FromSchema(JsonDocument.Parse(schema).RootElement, options);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        Assert.Contains("\\\"p49999\\\"", gbnf);
        // Linear, not quadratic, in the number of properties.
        Assert.True(gbnf!.Length < 50_000 * 300, $"{gbnf.Length} characters");
    }

    [Fact]
    public void Wide_objects_within_the_budget_still_accept_and_reject_what_they_should()
    {
        Accepts(Properties(1000, required: false), "{}", "{\"p0\":1,\"p999\":2}", "{\"p5\":1,\"p6\":2,\"p998\":3}");
        Rejects(Properties(1000, required: false), "{\"p6\":1,\"p5\":2}", "{\"p1000\":1}");
        Accepts(Properties(300, required: true), "{" + string.Join(",", Enumerable.Range(0, 300).Select(i => $"\"p{i}\":{i}")) + "}");
        Rejects(Properties(300, required: true), "{\"p0\":1}");
    }
}
