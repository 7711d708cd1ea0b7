using System.Text;
using System.Text.Json;

namespace Llm.Runtime.Chat.Tools;

/// <summary>
/// Teaches tools to a model whose chat template has no tool section: the tools and the Hermes-style call syntax
/// go into the system message, and earlier calls and results become text in that syntax.
/// </summary>
public static class GenericToolPrompt
{
    /// <summary>The instructions placed before the tool list.</summary>
    public const string Preamble =
        "You can call functions (tools) to help with the user's request. The available tools are listed below as JSON.\n"
        + "To call one, answer with one or more blocks of the form\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <arguments-json-object>}\n</tool_call>\n"
        + "and nothing else. If no tool is needed, answer normally.\n<tools>\n";

    /// <summary>Rewrites a conversation for a template that ignores tools.</summary>
    public static IReadOnlyList<ChatPromptMessage> Apply(IReadOnlyList<ChatPromptMessage> messages, IReadOnlyList<JsonElement>? tools)
    {
        var result = new List<ChatPromptMessage>(messages.Count + 1);
        var system = tools is { Count: > 0 } ? Describe(tools) : null;
        foreach (var message in messages)
        {
            if (system is not null && message.Role is "system" or "developer")
            {
                result.Add(message with { Content = message.Content + "\n\n" + system });
                system = null;
            }
            else if (message.ToolCalls is { Count: > 0 } calls)
            {
                result.Add(new ChatPromptMessage("assistant", Calls(message.Content, calls)) { Name = message.Name });
            }
            else if (message.Role == "tool")
            {
                result.Add(new ChatPromptMessage("tool", $"<tool_response>\n{message.Content}\n</tool_response>") { ToolCallId = message.ToolCallId, Name = message.Name });
            }
            else
            {
                result.Add(message);
            }
        }
        if (system is not null) result.Insert(0, new ChatPromptMessage("system", system));
        return result;
    }

    private static string Describe(IReadOnlyList<JsonElement> tools)
    {
        var text = new StringBuilder(Preamble);
        foreach (var tool in tools) text.Append(JsonSerializer.Serialize(tool)).Append('\n');
        return text.Append("</tools>").ToString();
    }

    private static string Calls(string? content, IReadOnlyList<ChatPromptToolCall> calls)
    {
        var text = new StringBuilder(content);
        foreach (var call in calls)
        {
            if (text.Length > 0) text.Append('\n');
            text.Append("<tool_call>\n{\"name\": ").Append(JsonSerializer.Serialize(call.Name)).Append(", \"arguments\": ").Append(call.Arguments).Append("}\n</tool_call>");
        }
        return text.ToString();
    }
}
