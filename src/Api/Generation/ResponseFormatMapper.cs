using System.Text.Json;
using Llm.Api.Errors;
using Llm.Runtime.Grammar;
using Llm.Runtime.Inference;

namespace Llm.Api.Generation;

/// <summary>Turns <c>response_format</c> into the grammar that constrains the output, or null for free text.</summary>
internal static class ResponseFormatMapper
{
    public static GrammarSpec? ToGrammar(JsonElement? format)
    {
        if (format is not { ValueKind: not JsonValueKind.Null } value) return null;
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw OpenAiException.InvalidRequest("'response_format' must be an object with a 'type'.", "response_format");
        switch (type.GetString())
        {
            case "text":
                return null;
            case "json_object":
                return new GrammarSpec(JsonSchemaGrammar.AnyJsonObject);
            case "json_schema":
                if (!value.TryGetProperty("json_schema", out var definition) || definition.ValueKind != JsonValueKind.Object)
                    throw OpenAiException.InvalidRequest("Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema");
                if (!definition.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
                    throw OpenAiException.InvalidRequest("Missing required parameter: 'response_format.json_schema.name'.", "response_format.json_schema.name");
                if (!definition.TryGetProperty("schema", out var schema)) return new GrammarSpec(JsonSchemaGrammar.AnyJsonObject);
                try
                {
                    return new GrammarSpec(JsonSchemaGrammar.FromSchema(schema));
                }
                catch (JsonSchemaGrammarException ex)
                {
                    throw OpenAiException.InvalidRequest($"Invalid schema for response_format '{name.GetString()}': {ex.Message}", "response_format.json_schema.schema", "invalid_json_schema");
                }
            case var other:
                throw OpenAiException.InvalidRequest($"Invalid value for 'response_format.type': '{other}'. Supported values are: 'text', 'json_object' and 'json_schema'.", "response_format.type");
        }
    }
}
