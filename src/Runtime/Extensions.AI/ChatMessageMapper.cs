using System.Text;
using System.Text.Json;
using Llm.Runtime.Chat;
using Microsoft.Extensions.AI;

namespace Llm.Runtime.Extensions.AI;

/// <summary>Turns Microsoft.Extensions.AI messages into the turns chat templates render.</summary>
internal static class ChatMessageMapper
{
    public static List<ChatPromptMessage> ToPrompt(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var turns = new List<ChatPromptMessage>();
        if (!string.IsNullOrEmpty(options?.Instructions)) turns.Add(new ChatPromptMessage("system", options.Instructions));
        foreach (var message in messages)
        {
            var text = new StringBuilder();
            var calls = new List<ChatPromptToolCall>();
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        if (text.Length > 0) text.Append('\n');
                        text.Append(t.Text);
                        break;
                    case FunctionCallContent call:
                        calls.Add(new ChatPromptToolCall(call.CallId, call.Name, JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions)));
                        break;
                    case FunctionResultContent result:
                        turns.Add(new ChatPromptMessage("tool", ResultText(result.Result)) { ToolCallId = result.CallId });
                        break;
                    case TextReasoningContent or UsageContent:
                        break;
                    default:
                        throw new NotSupportedException($"Content of type {content.GetType().Name} is not supported: this model reads text only.");
                }
            }
            if (text.Length == 0 && calls.Count == 0) continue;
            turns.Add(new ChatPromptMessage(message.Role.Value, text.Length == 0 && calls.Count > 0 ? null : text.ToString())
            {
                Name = message.AuthorName,
                ToolCalls = calls.Count > 0 ? calls : null,
            });
        }
        return turns;
    }

    private static string ResultText(object? result) => result switch
    {
        null => string.Empty,
        string s => s,
        JsonElement e when e.ValueKind == JsonValueKind.String => e.GetString()!,
        _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions),
    };
}
