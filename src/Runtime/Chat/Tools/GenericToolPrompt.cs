using System.Text;
using System.Text.Json;

namespace Llm.Runtime.Chat.Tools;

/// <summary>
/// Teaches tools to a model whose chat template has no tool section: the tools and the Hermes-style call syntax
/// go into the system message, and earlier calls and results become text in that syntax. For templates that drop
/// system messages the system text goes into the first user message; for templates that print no tool messages
/// (or refuse them) results go as user messages, merged with neighbouring user turns so that templates demanding
/// user/assistant alternation accept them (the "polyfills" of llama.cpp's chat layer).
/// </summary>
public static class GenericToolPrompt
{
    /// <summary>The instructions placed before the tool list.</summary>
    public const string Preamble =
        "You can call functions (tools) to help with the user's request. The available tools are listed below as JSON.\n"
        + "To call one, answer with one or more blocks of the form\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <arguments-json-object>}\n</tool_call>\n"
        + "and nothing else. If no tool is needed, answer normally.\n<tools>\n";

    // The JSON is prompt text, not HTML: '<' and quotes stay as they are (the default encoder writes \u003C and \u0027,
    // which the model would read as such). Control-token look-alikes are escaped later, with the rest of the message.
    private static readonly JsonSerializerOptions s_json = new() { Encoder = VerbatimJsonEncoder.Instance };

    /// <summary>Rewrites a conversation for a template that ignores tools.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="tools">The tool definitions (OpenAI's <c>{"type":"function","function":{…}}</c>), if any.</param>
    /// <param name="printsSystem">Whether the template prints system messages (else their text joins the next user message).</param>
    /// <param name="printsTool">Whether the template prints tool messages (else results become user messages).</param>
    public static IReadOnlyList<ChatPromptMessage> Apply(
        IReadOnlyList<ChatPromptMessage> messages, IReadOnlyList<JsonElement>? tools, bool printsSystem = true, bool printsTool = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new List<ChatPromptMessage>(messages.Count + 1);
        // The user turns this rewrite makes (from system or tool messages), by reference: records compare by value.
        var made = new HashSet<ChatPromptMessage>(ReferenceEqualityComparer.Instance);
        var system = tools is { Count: > 0 } ? Describe(tools) : null;
        foreach (var message in messages)
        {
            if (message.Role is "system" or "developer")
            {
                var content = system is null ? message.Content : Join(message.Content, system);
                system = null;
                result.Add(printsSystem ? message with { Content = content } : Made(new ChatPromptMessage("user", content) { Name = message.Name }));
            }
            else if (message.ToolCalls is { Count: > 0 } calls)
            {
                result.Add(new ChatPromptMessage("assistant", Calls(message.Content, calls)) { Name = message.Name, ReasoningContent = message.ReasoningContent });
            }
            else if (message.Role == "tool")
            {
                var response = $"<tool_response>\n{message.Content}\n</tool_response>";
                result.Add(printsTool
                    ? new ChatPromptMessage("tool", response) { ToolCallId = message.ToolCallId, Name = message.Name }
                    : Made(new ChatPromptMessage("user", response)));
            }
            else
            {
                result.Add(message);
            }
        }
        if (system is not null) result.Insert(0, printsSystem ? new ChatPromptMessage("system", system) : Made(new ChatPromptMessage("user", system)));
        return made.Count == 0 ? result : MergeUserTurns(result, made);

        ChatPromptMessage Made(ChatPromptMessage message)
        {
            made.Add(message);
            return message;
        }
    }

    // Joins the user turns the rewrite made with the user turns next to them: the template sees one user turn where
    // the client's conversation alternated.
    private static List<ChatPromptMessage> MergeUserTurns(List<ChatPromptMessage> rewritten, HashSet<ChatPromptMessage> made)
    {
        var merged = new List<ChatPromptMessage>(rewritten.Count);
        var previousMade = false;
        foreach (var message in rewritten)
        {
            var isMade = made.Contains(message);
            if (merged.Count > 0 && merged[^1].Role == "user" && message.Role == "user" && (isMade || previousMade))
            {
                merged[^1] = merged[^1] with { Content = Join(merged[^1].Content, message.Content) };
                previousMade = isMade;
                continue;
            }
            merged.Add(message);
            previousMade = isMade;
        }
        return merged;
    }

    private static string? Join(string? first, string? second) =>
        string.IsNullOrEmpty(first) ? second : string.IsNullOrEmpty(second) ? first : first + "\n\n" + second;

    private static string Describe(IReadOnlyList<JsonElement> tools)
    {
        var text = new StringBuilder(Preamble);
        foreach (var tool in tools) text.Append(JsonSerializer.Serialize(tool, s_json)).Append('\n');
        return text.Append("</tools>").ToString();
    }

    private static string Calls(string? content, IReadOnlyList<ChatPromptToolCall> calls)
    {
        var text = new StringBuilder(content);
        foreach (var call in calls)
        {
            if (text.Length > 0) text.Append('\n');
            text.Append("<tool_call>\n{\"name\": ").Append(JsonSerializer.Serialize(call.Name, s_json)).Append(", \"arguments\": ").Append(call.Arguments).Append("}\n</tool_call>");
        }
        return text.ToString();
    }
}
