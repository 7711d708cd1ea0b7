using System.Text.Json;

namespace Llm.Runtime.Chat;

/// <summary>
/// Builds the variables a Hugging Face chat template reads: <c>messages</c> (with tool-call arguments parsed
/// from OpenAI's JSON strings into objects, as templates expect), <c>tools</c>, <c>add_generation_prompt</c>,
/// <c>bos_token</c> and <c>eos_token</c>.
/// </summary>
internal static class ChatTemplateVariables
{
    public static Dictionary<string, object?> Create(IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions options, SpecialTokenText tokens, bool normalizeToolCallIds)
    {
        var list = new List<object?>(messages.Count);
        foreach (var message in messages) list.Add(ToDictionary(message, normalizeToolCallIds));
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = list,
            ["tools"] = options.Tools is { Count: > 0 } tools ? tools.Select(t => (object?)t).ToList() : null,
            ["add_generation_prompt"] = options.AddGenerationPrompt,
            ["bos_token"] = tokens.Bos,
            ["eos_token"] = tokens.Eos,
        };
    }

    private static Dictionary<string, object?> ToDictionary(ChatPromptMessage message, bool normalizeIds)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            // OpenAI's "developer" is the system role under a new name; templates only know "system".
            ["role"] = message.Role == "developer" ? "system" : message.Role,
            ["content"] = message.Content ?? (message.ToolCalls is { Count: > 0 } ? string.Empty : null),
        };
        if (message.Name is not null) result["name"] = message.Name;
        if (message.ToolCalls is { Count: > 0 } calls)
        {
            result["tool_calls"] = calls.Select(call => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = normalizeIds ? ToolCallIds.Normalize(call.Id) : call.Id,
                ["type"] = "function",
                ["function"] = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["name"] = call.Name,
                    ["arguments"] = ParseArguments(call.Arguments),
                },
            }).ToList();
        }
        if (message.ToolCallId is not null) result["tool_call_id"] = normalizeIds ? ToolCallIds.Normalize(message.ToolCallId) : message.ToolCallId;
        return result;
    }

    // Templates iterate arguments as a mapping (arguments|items, tojson); text that is not JSON stays text.
    private static object? ParseArguments(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return arguments;
        }
    }
}
