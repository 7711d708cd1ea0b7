using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Chat;

/// <summary>A chat template rendered by the project's Jinja engine, with the variables Hugging Face templates expect.</summary>
internal sealed class JinjaChatTemplate(JinjaTemplate template, SpecialTokenText tokens, string source) : ChatTemplate
{
    private static readonly ChatPromptMessage[] Probe = [new("user", "hi")];

    public override string Source { get; } = source;

    /// <summary>Parses and test-renders a template; returns null and sets the template, or returns why it cannot be used.</summary>
    public static string? TryCreate(string text, SpecialTokenText tokens, string source, out JinjaChatTemplate? template)
    {
        template = null;
        try
        {
            var candidate = new JinjaChatTemplate(JinjaTemplate.Parse(text), tokens, source);
            candidate.Render(Probe);
            template = candidate;
            return null;
        }
        catch (JinjaSyntaxException ex)
        {
            return ex.Message;
        }
        catch (ChatTemplateException ex) when (ex.InnerException is JinjaRuntimeException)
        {
            return ex.Message;
        }
        catch (ChatTemplateException)
        {
            // The template refused the probe conversation on purpose (raise_exception): it works.
            template = new JinjaChatTemplate(JinjaTemplate.Parse(text), tokens, source);
            return null;
        }
    }

    public override string Render(IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions? options = null)
    {
        options ??= ChatRenderOptions.Default;
        try
        {
            return template.Render(ChatTemplateVariables.Create(messages, options, tokens, normalizeToolCallIds: false));
        }
        catch (JinjaRaiseException) when (ToolCallIds.AnyIn(messages))
        {
            // Some templates demand their own id format (Mistral: 9 alphanumerics); clients' ids rarely fit.
            return RenderOrThrow(ChatTemplateVariables.Create(messages, options, tokens, normalizeToolCallIds: true));
        }
        catch (JinjaException ex)
        {
            throw Refusal(ex);
        }
    }

    private string RenderOrThrow(IReadOnlyDictionary<string, object?> variables)
    {
        try
        {
            return template.Render(variables);
        }
        catch (JinjaException ex)
        {
            throw Refusal(ex);
        }
    }

    private static ChatTemplateException Refusal(JinjaException ex)
        => ex is JinjaRaiseException ? new ChatTemplateException(ex.Message, ex) : new ChatTemplateException($"The chat template failed on this conversation: {ex.Message}", ex);
}
