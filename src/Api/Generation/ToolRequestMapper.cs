using System.Text.Json;
using System.Text.RegularExpressions;
using Llm.Api.Contracts;
using Llm.Api.Errors;
using Llm.Runtime.Chat.Pipeline;

namespace Llm.Api.Generation;

/// <summary>Validates <c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c>.</summary>
internal static partial class ToolRequestMapper
{
    /// <summary>Returns the tool settings, or null when the request uses no tools (none given, or <c>tool_choice: "none"</c>).</summary>
    public static ChatToolOptions? Map(ChatCompletionRequest request)
    {
        var tools = Tools(request.Tools);
        var choice = request.ToolChoice is { ValueKind: not JsonValueKind.Null } c ? c : (JsonElement?)null;
        if (tools.Count == 0)
        {
            if (choice is { ValueKind: JsonValueKind.String } s && s.GetString() is "none" or "auto") return null;
            if (choice is not null) throw OpenAiException.InvalidRequest("'tool_choice' is only allowed when 'tools' are given.", "tool_choice");
            return null;
        }

        var parallel = request.ParallelToolCalls ?? true;
        if (choice is null) return new ChatToolOptions(tools, ToolChoice.Auto, null, parallel);
        if (choice.Value.ValueKind == JsonValueKind.String)
        {
            return choice.Value.GetString() switch
            {
                "none" => null,
                "auto" => new ChatToolOptions(tools, ToolChoice.Auto, null, parallel),
                "required" => new ChatToolOptions(tools, ToolChoice.Required, null, parallel),
                var other => throw OpenAiException.InvalidRequest($"Invalid value for 'tool_choice': '{other}'. Supported values are: 'none', 'auto', 'required' or a named function.", "tool_choice"),
            };
        }
        if (choice.Value.ValueKind == JsonValueKind.Object && Text(choice.Value, "type") == "function"
            && choice.Value.TryGetProperty("function", out var function) && Text(function, "name") is { } name)
        {
            if (!tools.Any(t => Text(t.GetProperty("function"), "name") == name))
                throw OpenAiException.InvalidRequest($"'tool_choice' names function '{name}', which is not among 'tools'.", "tool_choice");
            return new ChatToolOptions(tools, ToolChoice.Named, name, false);
        }
        if (choice.Value.ValueKind == JsonValueKind.Object && Text(choice.Value, "type") == "allowed_tools")
            throw OpenAiException.Unsupported("tool_choice", "'allowed_tools' tool choice");
        throw OpenAiException.InvalidRequest("Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or {\"type\": \"function\", \"function\": {\"name\": ...}}.", "tool_choice");
    }

    private static List<JsonElement> Tools(JsonElement? value)
    {
        if (value is not { ValueKind: not JsonValueKind.Null } tools) return [];
        if (tools.ValueKind != JsonValueKind.Array) throw OpenAiException.InvalidRequest("'tools' must be an array.", "tools");
        var result = new List<JsonElement>();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var param = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object) throw OpenAiException.InvalidRequest($"'{param}' must be an object.", param);
            var type = Text(tool, "type");
            if (type == "custom") throw OpenAiException.Unsupported($"{param}.type", "Custom tools");
            if (type != "function") throw OpenAiException.InvalidRequest($"Invalid value for '{param}.type': only 'function' is supported.", $"{param}.type");
            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
                throw OpenAiException.InvalidRequest($"Missing required parameter: '{param}.function'.", $"{param}.function");
            if (Text(function, "name") is not { } name || !FunctionName().IsMatch(name))
                throw OpenAiException.InvalidRequest($"Invalid '{param}.function.name': it must be 1 to 64 letters, digits, underscores or dashes.", $"{param}.function.name");
            if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                throw OpenAiException.InvalidRequest($"'{param}.function.parameters' must be a JSON Schema object.", $"{param}.function.parameters");
            result.Add(tool);
        }
        return result;
    }

    private static string? Text(JsonElement element, string property)
        => element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();
}
