using System.Text.Json;
using Llm.Api.Errors;
using Llm.Runtime.Chat.Pipeline;

namespace Llm.Api.Generation;

/// <summary>Validates chat completions' <c>response_format</c> and maps it to the pipeline's output format.</summary>
internal static class ResponseFormatMapper
{
    /// <summary>The output format, or null for free text; the schema itself is compiled (and refused) by the pipeline.</summary>
    public static ChatOutputFormat? Map(JsonElement? format)
    {
        if (format is not { ValueKind: not JsonValueKind.Null } value) return null;
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw OpenAiException.InvalidRequest("'response_format' must be an object with a 'type'.", "response_format");
        switch (type.GetString())
        {
            case "text":
                return null;
            case "json_object":
                return ChatOutputFormat.JsonObject;
            case "json_schema":
                if (!value.TryGetProperty("json_schema", out var definition) || definition.ValueKind != JsonValueKind.Object)
                    throw OpenAiException.InvalidRequest("Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema");
                if (!definition.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
                    throw OpenAiException.InvalidRequest("Missing required parameter: 'response_format.json_schema.name'.", "response_format.json_schema.name");
                return definition.TryGetProperty("schema", out var schema) ? ChatOutputFormat.JsonSchema(schema) : ChatOutputFormat.JsonObject;
            case var other:
                throw OpenAiException.InvalidRequest($"Invalid value for 'response_format.type': '{other}'. Supported values are: 'text', 'json_object' and 'json_schema'.", "response_format.type");
        }
    }
}
