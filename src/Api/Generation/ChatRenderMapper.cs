using System.Text.Json;
using Llm.Api.Errors;
using Llm.Runtime.Chat;

namespace Llm.Api.Generation;

/// <summary>
/// Validates the fields that shape the prompt besides the messages and tools (<c>chat_template_kwargs</c>,
/// <c>add_generation_prompt</c>, <c>continue_final_message</c>, as vLLM names them) and turns them into render options.
/// </summary>
internal static class ChatRenderMapper
{
    public const string KwargsParam = "chat_template_kwargs";
    public const string ContinueParam = "continue_final_message";

    /// <summary>Returns the render options of a chat request.</summary>
    /// <param name="kwargs">The request's <c>chat_template_kwargs</c>.</param>
    /// <param name="addGenerationPrompt">The request's <c>add_generation_prompt</c>: default true, or false when continuing.</param>
    /// <param name="continueFinalMessage">The request's <c>continue_final_message</c>.</param>
    /// <param name="turns">The validated messages.</param>
    /// <param name="template">The template that will render them.</param>
    /// <param name="defaults">The server's default variables (<c>--chat-template-kwargs</c>), or null.</param>
    /// <param name="tools">The tools the template gets, or null.</param>
    /// <exception cref="OpenAiException">A 400 naming the field at fault.</exception>
    public static ChatRenderOptions ToRenderOptions(JsonElement? kwargs, bool? addGenerationPrompt, bool? continueFinalMessage, IReadOnlyList<ChatPromptMessage> turns,
        ChatTemplate template, IReadOnlyDictionary<string, JsonElement>? defaults, IReadOnlyList<JsonElement>? tools)
    {
        var continues = continueFinalMessage == true;
        if (continues)
        {
            if (addGenerationPrompt == true)
                throw OpenAiException.InvalidRequest("Cannot set both 'continue_final_message' and 'add_generation_prompt' to true.", ContinueParam);
            var last = turns[^1];
            if (last.Role != "assistant")
                throw OpenAiException.InvalidRequest($"'continue_final_message' continues the last message, which must then be the assistant's (messages[{turns.Count - 1}] is '{last.Role}').", ContinueParam);
            if (last.ToolCalls is { Count: > 0 })
                throw OpenAiException.InvalidRequest($"'continue_final_message' cannot continue messages[{turns.Count - 1}]: it calls tools, and only an assistant message of text can be continued.", ContinueParam);
        }
        return new ChatRenderOptions
        {
            AddGenerationPrompt = !continues && (addGenerationPrompt ?? true),
            ContinueFinalMessage = continues,
            Tools = tools,
            TemplateVariables = Variables(kwargs, template, defaults),
        };
    }

    private static IReadOnlyDictionary<string, JsonElement>? Variables(JsonElement? kwargs, ChatTemplate template, IReadOnlyDictionary<string, JsonElement>? defaults)
    {
        Dictionary<string, JsonElement>? own = null;
        if (kwargs is { ValueKind: not JsonValueKind.Null } value)
        {
            if (value.ValueKind != JsonValueKind.Object)
                throw OpenAiException.InvalidRequest($"'chat_template_kwargs' must be a JSON object of template variables, such as {{\"enable_thinking\": false}} (got a JSON {value.ValueKind.ToString().ToLowerInvariant()}).", KwargsParam);
            own = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            // Later duplicates win, as with Python's json.loads.
            foreach (var property in value.EnumerateObject()) own[property.Name] = property.Value;
        }
        if (!template.ReadsVariables)
        {
            // Ignoring the client's variables would answer as if they were read; the server's defaults are meant for
            // the templates that read them, so a model on a built-in format goes on working without them.
            if (own is { Count: > 0 })
                throw OpenAiException.InvalidRequest($"'chat_template_kwargs' cannot be used with this model: its chat template ({template.Source}) is one of llama.cpp's built-in formats, which read no variables (serve the model with a Jinja template, --chat-template FILE, to pass variables).", KwargsParam);
            return null;
        }
        try
        {
            return ChatTemplateVariables.Merge(defaults, own);
        }
        catch (ChatTemplateVariableException ex)
        {
            throw OpenAiErrors.Map(ex);
        }
    }
}
