using System.Text;
using Llm.Api.Contracts;
using Llm.Api.Errors;
using Llm.Runtime.Chat;

namespace Llm.Api.Generation;

/// <summary>Validates chat messages and the chat-only fields, and turns messages into prompt turns.</summary>
internal static class ChatPromptMapper
{
    /// <summary>Rejects chat fields this server does not implement, naming each.</summary>
    public static void RejectUnsupported(ChatCompletionRequest request)
    {
        if (request.TopLogprobs is { } top)
        {
            if (top is < 0 or > 20) throw OpenAiException.OutOfRange("top_logprobs", "must be between 0 and 20");
            if (request.Logprobs != true) throw OpenAiException.InvalidRequest("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
        }
        if (IsPresent(request.Grammar))
            throw OpenAiException.Unsupported("grammar", "A raw GBNF grammar (LLamaSharp 0.30 cannot report an invalid one without crashing; use response_format json_schema)");
        if (IsPresent(request.Functions)) throw OpenAiException.Unsupported("functions", "Legacy function calling");
        if (IsPresent(request.FunctionCall)) throw OpenAiException.Unsupported("function_call", "Legacy function calling");
        if (IsPresent(request.Audio)) throw OpenAiException.Unsupported("audio", "Audio output");
        if (IsPresent(request.Prediction)) throw OpenAiException.Unsupported("prediction", "Predicted outputs");
        if (IsPresent(request.WebSearchOptions)) throw OpenAiException.Unsupported("web_search_options", "Web search");
        if (IsPresent(request.Modalities) && request.Modalities!.Value.ToString().Contains("audio", StringComparison.Ordinal))
            throw OpenAiException.Unsupported("modalities", "Audio output");
    }

    /// <summary>Validates the messages and returns them as prompt turns.</summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="maxMessages">The most messages a request may send (<c>--max-messages</c>); 0 means no cap.</param>
    public static IReadOnlyList<ChatPromptMessage> ToPrompt(IReadOnlyList<ChatMessageDto>? messages, int maxMessages)
    {
        if (messages is null) throw OpenAiException.InvalidRequest("Missing required parameter: 'messages'.", "messages");
        if (messages.Count == 0) throw OpenAiException.InvalidRequest("'messages' must contain at least one message.", "messages");
        if (maxMessages > 0 && messages.Count > maxMessages)
            throw OpenAiException.OutOfRange("messages", $"this server allows at most {maxMessages} messages per request (got {messages.Count})");
        var turns = new ChatPromptMessage[messages.Count];
        var calls = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            var turn = turns[i] = ToTurn(messages[i], $"messages[{i}]");
            if (turn.ToolCalls is { } made) calls.UnionWith(made.Select(c => c.Id));
            // As OpenAI: a tool result must answer a call an earlier assistant message made.
            if (turn.Role == "tool" && !calls.Contains(turn.ToolCallId!))
            {
                var param = $"messages[{i}].tool_call_id";
                throw OpenAiException.InvalidRequest(
                    $"Invalid parameter: '{param}' must answer a tool call of an earlier assistant message; none has the id '{turn.ToolCallId}'.", param);
            }
        }
        return turns;
    }

    private static ChatPromptMessage ToTurn(ChatMessageDto? message, string param)
    {
        if (message is null) throw OpenAiException.InvalidRequest($"'{param}' must be an object.", param);
        var role = message.Role ?? throw OpenAiException.InvalidRequest($"Missing required parameter: '{param}.role'.", $"{param}.role");
        if (message.ReasoningContent is not null && role != "assistant")
            throw OpenAiException.InvalidRequest($"'{param}.reasoning_content' is only allowed on assistant messages (got role '{role}').", $"{param}.reasoning_content");
        switch (role)
        {
            case "system" or "developer" or "user":
                return new(role, Text(message.Content, param, required: true)) { Name = message.Name };
            case "assistant":
                var calls = ToolCalls(message.ToolCalls, param);
                return new(role, message.Content is null && calls is not null ? null : Text(message.Content, param, required: calls is null))
                {
                    Name = message.Name,
                    ToolCalls = calls,
                    ReasoningContent = message.ReasoningContent,
                };
            case "tool":
                if (string.IsNullOrEmpty(message.ToolCallId)) throw OpenAiException.InvalidRequest($"Missing required parameter: '{param}.tool_call_id'.", $"{param}.tool_call_id");
                return new(role, Text(message.Content, param, required: true)) { ToolCallId = message.ToolCallId, Name = message.Name };
            default:
                throw OpenAiException.InvalidRequest($"Invalid value for '{param}.role': '{role}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.", $"{param}.role");
        }
    }

    private static string Text(MessageContent? content, string param, bool required)
    {
        if (content is null)
        {
            return required ? throw OpenAiException.InvalidRequest($"Missing required parameter: '{param}.content'.", $"{param}.content") : string.Empty;
        }
        if (content.WasString) return content.Parts[0].Text ?? string.Empty;
        var text = new StringBuilder();
        for (var i = 0; i < content.Parts.Count; i++)
        {
            var part = content.Parts[i];
            if (part.Type is not ("text" or "refusal"))
                throw OpenAiException.InvalidRequest($"Content parts of type '{part.Type}' are not supported: this model reads text only.", $"{param}.content[{i}].type");
            if (part.Text is null) throw OpenAiException.InvalidRequest($"Missing required parameter: '{param}.content[{i}].text'.", $"{param}.content[{i}].text");
            if (text.Length > 0) text.Append('\n');
            text.Append(part.Text);
        }
        return text.ToString();
    }

    private static IReadOnlyList<ChatPromptToolCall>? ToolCalls(IReadOnlyList<ToolCallDto>? calls, string param)
    {
        if (calls is not { Count: > 0 }) return null;
        var result = new ChatPromptToolCall[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            var at = $"{param}.tool_calls[{i}]";
            var call = calls[i] ?? throw OpenAiException.InvalidRequest($"'{at}' must be an object.", at);
            if (string.IsNullOrEmpty(call.Id)) throw OpenAiException.InvalidRequest($"Missing required parameter: '{at}.id'.", $"{at}.id");
            if (call.Type is not (null or "function")) throw OpenAiException.InvalidRequest($"Invalid value for '{at}.type': only 'function' is supported.", $"{at}.type");
            if (string.IsNullOrEmpty(call.Function?.Name)) throw OpenAiException.InvalidRequest($"Missing required parameter: '{at}.function.name'.", $"{at}.function.name");
            result[i] = new ChatPromptToolCall(call.Id, call.Function.Name, call.Function.Arguments ?? "{}");
        }
        return result;
    }

    private static bool IsPresent(System.Text.Json.JsonElement? element)
        => element is { ValueKind: not System.Text.Json.JsonValueKind.Null and not System.Text.Json.JsonValueKind.Undefined };
}
