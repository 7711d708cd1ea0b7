using Llm.Runtime.Chat.Jinja;
using Llm.Runtime.Chat.Tools;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Llm.Runtime.Chat;

/// <summary>
/// Renders a conversation into a model's prompt. <see cref="Create"/> chooses how:
/// <list type="number">
/// <item>a configured override: a template file, template text (rendered as Jinja) or a llama.cpp built-in name;</item>
/// <item>else the model's own <c>tokenizer.chat_template</c>, rendered by the Jinja engine;</item>
/// <item>if the engine cannot use it, llama.cpp's built-in formats (<c>llama_chat_apply_template</c>), logged once;</item>
/// <item>models without a template get ChatML (<see cref="DefaultTemplate"/>).</item>
/// </list>
/// </summary>
/// <remarks>Thread-safe: rendering keeps no state.</remarks>
public abstract partial class ChatTemplate
{
    /// <summary>The ChatML template used for models without one.</summary>
    public const string DefaultTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /// <summary>Gets where the template comes from, e.g. <c>model</c>, <c>override</c>, <c>default (chatml)</c> or <c>llama.cpp (chatml)</c>.</summary>
    public abstract string Source { get; }

    /// <summary>Gets a value indicating whether the template has its own tool section (else tools are taught by <see cref="GenericToolPrompt"/>).</summary>
    public abstract bool RendersTools { get; }

    /// <summary>
    /// Gets a value indicating whether the template prints a system message's content; when it does not, the generic
    /// tool prompt writes the tool instructions (and the client's system text) into the first user message. Jinja
    /// templates are probed once when created; llama.cpp's built-in formats are taken to print every role.
    /// </summary>
    public virtual bool PrintsSystemMessages => true;

    /// <summary>
    /// Gets a value indicating whether the template prints a tool message's content; when it does not, the generic tool
    /// prompt sends tool results as user messages.
    /// </summary>
    public virtual bool PrintsToolMessages => true;

    /// <summary>Gets the format the model is taught to write tool calls in.</summary>
    public abstract ToolCallFormat ToolCallFormat { get; }

    /// <summary>
    /// Gets a value indicating whether the template reads extra variables (<see cref="ChatRenderOptions.TemplateVariables"/>):
    /// Jinja templates do, llama.cpp's built-in formats do not.
    /// </summary>
    public abstract bool ReadsVariables { get; }

    /// <summary>
    /// Renders the conversation; tools reach the prompt through the template or, lacking a tool section, the generic
    /// tool prompt. With <see cref="ChatRenderOptions.ContinueFinalMessage"/> the prompt ends inside the final
    /// assistant message, right after its content (see <see cref="FinalMessageContinuation"/>).
    /// </summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">Generation prompt, tools, extra variables, prefill and the render budget; <see cref="ChatRenderOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Stops the render; a Jinja template checks it every 1,024 steps.</param>
    /// <exception cref="ChatTemplateException">
    /// The template refused the conversation, crossed a limit (<see cref="ChatTemplateException.Limit"/>), or, when
    /// continuing the final message, does not print that message's content.
    /// </exception>
    /// <exception cref="ChatTemplateVariableException">The extra variables cannot be used (reserved name, too deep, too large, or a template that reads none).</exception>
    /// <exception cref="ArgumentException"><see cref="ChatRenderOptions.ContinueFinalMessage"/> with a generation prompt, or with a last message that is not the assistant's or that calls tools.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// The result is the template's text with the client's strings in it as they are: control-token text that a client
    /// wrote is indistinguishable from the template's own here. Prompts meant for generation are rendered with
    /// <see cref="Models.ChatPromptTokenizer.Render"/>, which keeps the two apart.
    /// </remarks>
    public string Render(IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions? options = null, CancellationToken cancellationToken = default)
        => Render(messages, options, escaper: null, cancellationToken);

    /// <summary>
    /// Renders the conversation with every client string escaped by <paramref name="escaper"/> (after the generic tool
    /// prompt, if any, has been written into the conversation): the result holds placeholders where clients wrote
    /// control-token text.
    /// </summary>
    internal string Render(IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions? options, ControlTextEscaper? escaper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        options ??= ChatRenderOptions.Default;
        if (options.TemplateVariables is { Count: > 0 } variables)
        {
            if (!ReadsVariables)
                throw new ChatTemplateVariableException($"This model's chat template ({Source}) is one of llama.cpp's built-in formats, which cannot read template variables.");
            ChatTemplateVariables.Validate(variables);
        }
        if (!options.ContinueFinalMessage) return RenderWhole(messages, options, escaper, cancellationToken);

        if (options.AddGenerationPrompt) throw new ArgumentException("Continuing the final message needs AddGenerationPrompt to be false.", nameof(options));
        if (messages.Count == 0 || messages[^1].Role != "assistant")
            throw new ArgumentException("Continuing the final message needs the last message to be the assistant's.", nameof(messages));
        if (messages[^1].ToolCalls is { Count: > 0 })
            throw new ArgumentException("The final assistant message calls tools; only a message of text can be continued.", nameof(messages));
        // The content is looked for in the escaped render, so it is escaped the same way.
        return FinalMessageContinuation.Render(messages, m => RenderWhole(m, options, escaper, cancellationToken), c => escaper?.Escape(c) ?? c);
    }

    private string RenderWhole(IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions options, ControlTextEscaper? escaper, CancellationToken cancellationToken)
    {
        if (!RendersTools && (options.Tools is { Count: > 0 } || messages.Any(m => m.ToolCalls is { Count: > 0 } || m.Role == "tool")))
        {
            messages = GenericToolPrompt.Apply(messages, options.Tools, PrintsSystemMessages, PrintsToolMessages);
            options = options with { Tools = null };
        }
        if (escaper is not null)
        {
            messages = escaper.Escape(messages);
            if (options.Tools is not null) options = options with { Tools = escaper.Escape(options.Tools) };
            // Template variables are client strings too (chat_template_kwargs: Llama 3.1 prints date_string, custom_tools).
            if (options.TemplateVariables is { Count: > 0 } variables)
                options = options with { TemplateVariables = variables.ToDictionary(p => p.Key, p => escaper.Escape(p.Value), StringComparer.Ordinal) };
        }
        return RenderCore(messages, options, cancellationToken);
    }

    /// <summary>Renders exactly what it is given.</summary>
    protected abstract string RenderCore(IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions options, CancellationToken cancellationToken);

    /// <summary>Chooses the template for a model.</summary>
    /// <param name="model">The model handle (for llama.cpp's built-in formats).</param>
    /// <param name="tokens">The model's BOS and EOS text.</param>
    /// <param name="modelTemplate">The model's own template text, if any.</param>
    /// <param name="overrideTemplate">A configured template file, template text or built-in name, if any.</param>
    /// <param name="logger">Where a fallback is reported.</param>
    /// <exception cref="ArgumentException">The override can be used neither as Jinja nor by llama.cpp.</exception>
    public static ChatTemplate Create(SafeLlamaModelHandle model, SpecialTokenText tokens, string? modelTemplate, string? overrideTemplate, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(overrideTemplate)) return FromOverride(model, tokens, overrideTemplate);
        if (string.IsNullOrEmpty(modelTemplate)) return JinjaChatTemplate.Create(DefaultTemplate, tokens, "default (chatml)");

        var reason = JinjaChatTemplate.TryCreate(modelTemplate, tokens, "model", out var jinja);
        if (jinja is not null) return jinja;
        var builtIn = LlamaCppChatTemplate.TryCreate(model, null, "llama.cpp");
        LogFallback(logger, reason!, builtIn?.Source ?? "default (chatml)");
        return (ChatTemplate?)builtIn ?? JinjaChatTemplate.Create(DefaultTemplate, tokens, "default (chatml)");
    }

    /// <summary>Parses Jinja template text given at run time (e.g. by a template author testing a template).</summary>
    /// <exception cref="ChatTemplateException">The text is not a valid template (the message gives line and column), or nests deeper than the engine allows (<see cref="ChatTemplateException.Limit"/>).</exception>
    public static ChatTemplate FromJinja(string text, SpecialTokenText tokens)
    {
        try
        {
            return JinjaChatTemplate.Create(text, tokens, "request");
        }
        catch (JinjaSyntaxException ex)
        {
            throw new ChatTemplateException($"The chat template is not valid Jinja: {ex.Message}", ex);
        }
        catch (JinjaLimitException ex)
        {
            throw new ChatTemplateException(ex.Message, ex);
        }
    }

    private static ChatTemplate FromOverride(SafeLlamaModelHandle model, SpecialTokenText tokens, string value)
    {
        var looksLikeName = value.Length <= 64 && !value.Contains('{') && !value.Contains('/') && !value.Contains('\\');
        if (looksLikeName)
            return LlamaCppChatTemplate.TryCreate(model, value, "override") ?? throw new ArgumentException($"The chat template '{value}' is not a llama.cpp built-in name.");

        var text = File.Exists(value) ? File.ReadAllText(value) : value;
        var reason = JinjaChatTemplate.TryCreate(text, tokens, "override", out var jinja);
        return jinja ?? throw new ArgumentException($"The chat template override cannot be used: {reason}");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model's chat template cannot be rendered by the Jinja engine ({Reason}); using {Fallback} instead.")]
    private static partial void LogFallback(ILogger logger, string reason, string fallback);
}
