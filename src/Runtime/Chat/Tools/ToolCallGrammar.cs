using System.Text.Json;
using System.Text.Json.Nodes;
using Llm.Runtime.Grammar;
using Llm.Runtime.Inference;

namespace Llm.Runtime.Chat.Tools;

/// <summary>
/// Builds the grammar that forces a tool call (OpenAI's <c>tool_choice: "required"</c> or a named function): the
/// model's own call syntax around a JSON object whose name is one of the tools and whose arguments follow that
/// tool's parameter schema.
/// </summary>
public static class ToolCallGrammar
{
    private const string Start = "tool-calls";

    /// <summary>Builds the grammar.</summary>
    /// <param name="tools">The tools, in OpenAI's shape.</param>
    /// <param name="format">The model's tool-call syntax.</param>
    /// <param name="forcedName">The only function allowed, or null for any of them.</param>
    /// <param name="parallel">Whether several calls may follow each other.</param>
    /// <exception cref="JsonSchemaGrammarException">A tool's parameter schema uses a keyword the converter cannot enforce.</exception>
    public static GrammarSpec Build(IReadOnlyList<JsonElement> tools, ToolCallFormat format, string? forcedName, bool parallel)
    {
        var (nameKey, argumentsKey) = format switch
        {
            ToolCallFormat.Llama3Json => ("name", "parameters"),
            ToolCallFormat.CommandR => ("tool_name", "parameters"),
            _ => ("name", "arguments"),
        };
        var choices = new JsonArray();
        foreach (var tool in tools)
        {
            var function = tool.GetProperty("function");
            var name = function.GetProperty("name").GetString()!;
            if (forcedName is not null && name != forcedName) continue;
            var parameters = function.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
                ? JsonNode.Parse(p.GetRawText())!
                : new JsonObject { ["type"] = "object" };
            // The tool's schema now sits inside the wrapper, so its own references ('#/$defs/t', '#') move with it.
            ToolSchemaReferences.Rebase(parameters, $"#/anyOf/{choices.Count}/properties/{argumentsKey}");
            choices.Add(new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { [nameKey] = new JsonObject { ["const"] = name }, [argumentsKey] = parameters },
                ["required"] = new JsonArray(nameKey, argumentsKey),
                ["additionalProperties"] = false,
            });
        }
        var schema = JsonSerializer.SerializeToElement(new JsonObject { ["anyOf"] = choices });
        var call = JsonSchemaGrammar.FromSchema(schema, new JsonSchemaGrammarOptions { AllowWhitespace = false });
        string More(string separator) => parallel ? $" ({separator} root)*" : string.Empty;
        var wrapper = format switch
        {
            ToolCallFormat.Mistral => $"{Start} ::= \"[TOOL_CALLS][\" root{More("\", \"")} \"]\"",
            ToolCallFormat.CommandR => $"{Start} ::= \"<|START_ACTION|>[\" root{More("\", \"")} \"]<|END_ACTION|>\"",
            // Llama 3.1 may open with <|python_tag|>, a control token whose text the grammar sees.
            ToolCallFormat.Llama3Json => $"{Start} ::= \"<|python_tag|>\"? root{More("\"; \"")}",
            _ => $"{Start} ::= \"<tool_call>\\n\" root \"\\n</tool_call>\"" + (parallel ? " (\"\\n<tool_call>\\n\" root \"\\n</tool_call>\")*" : string.Empty),
        };
        return new GrammarSpec(call + "\n" + wrapper + "\n", Start);
    }
}
