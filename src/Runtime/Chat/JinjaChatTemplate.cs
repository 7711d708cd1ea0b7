using Llm.Runtime.Chat.Jinja;
using Llm.Runtime.Chat.Tools;

namespace Llm.Runtime.Chat;

/// <summary>A chat template rendered by the project's Jinja engine, with the variables Hugging Face templates expect.</summary>
internal sealed class JinjaChatTemplate : ChatTemplate
{
    private static readonly ChatPromptMessage[] Probe = [new("user", "hi")];

    // A one-message probe takes a real template a few hundred steps; a template that needs more is looping.
    private static readonly Jinja.JinjaBudget ProbeBudget = new() { MaxSteps = 1_000_000 };
    private static readonly ChatRenderOptions ProbeWithTool = new()
    {
        Tools = [System.Text.Json.JsonDocument.Parse("""{"type":"function","function":{"name":"probe_tool","description":"d","parameters":{"type":"object","properties":{}}}}""").RootElement],
    };

    private readonly JinjaTemplate template;
    private readonly SpecialTokenText tokens;

    private JinjaChatTemplate(JinjaTemplate template, string text, SpecialTokenText tokens, string source)
    {
        this.template = template;
        this.tokens = tokens;
        Source = source;
        ToolCallFormat = ToolCallFormats.Detect(text);
        RendersTools = MentionsTools(text) && RendersProbeTool();
        PrintsSystemMessages = TemplateRoleProbes.PrintsSystem(RenderProbe);
        PrintsToolMessages = TemplateRoleProbes.PrintsTool(RenderProbe);
    }

    public override string Source { get; }

    public override bool RendersTools { get; }

    public override bool PrintsSystemMessages { get; }

    public override bool PrintsToolMessages { get; }

    public override bool ReadsVariables => true;

    public override ToolCallFormat ToolCallFormat { get; }

    /// <summary>Parses a template.</summary>
    /// <param name="text">The template.</param>
    /// <param name="tokens">BOS and EOS text.</param>
    /// <param name="source">Where the template comes from, for <see cref="Source"/>.</param>
    /// <param name="options">Engine settings; the defaults (transformers' environment, the system clock) when null. Tests pin the clock here.</param>
    /// <exception cref="JinjaSyntaxException">The text is not a valid template.</exception>
    /// <exception cref="JinjaLimitException">The text nests deeper than the engine allows.</exception>
    public static JinjaChatTemplate Create(string text, SpecialTokenText tokens, string source, JinjaOptions? options = null) =>
        new(JinjaTemplate.Parse(text, options), text, tokens, source);

    private static bool MentionsTools(string text) => text.Contains("tools", StringComparison.Ordinal);

    private string RenderProbe(IReadOnlyList<ChatPromptMessage> messages) =>
        RenderCore(messages, new ChatRenderOptions { AddGenerationPrompt = false, Budget = ProbeBudget }, CancellationToken.None);

    // A template has a tool section when a tool changes what it renders.
    private bool RendersProbeTool()
    {
        try
        {
            return RenderCore(Probe, ProbeWithTool with { Budget = ProbeBudget }, CancellationToken.None).Contains("probe_tool", StringComparison.Ordinal);
        }
        catch (ChatTemplateException)
        {
            return false;
        }
    }

    /// <summary>Parses and test-renders a template; returns null and sets the template, or returns why it cannot be used.</summary>
    public static string? TryCreate(string text, SpecialTokenText tokens, string source, out JinjaChatTemplate? template)
    {
        template = null;
        try
        {
            var candidate = Create(text, tokens, source);
            candidate.Render(Probe, new ChatRenderOptions { Budget = ProbeBudget });
            template = candidate;
            return null;
        }
        catch (JinjaSyntaxException ex)
        {
            return ex.Message;
        }
        catch (JinjaLimitException ex)
        {
            return ex.Message;
        }
        catch (ChatTemplateException ex) when (ex.InnerException is JinjaRuntimeException or JinjaLimitException)
        {
            return ex.Message;
        }
        catch (ChatTemplateException)
        {
            // The template refused the probe conversation on purpose (raise_exception): it works.
            template = Create(text, tokens, source);
            return null;
        }
    }

    protected override string RenderCore(IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return template.Render(ChatTemplateVariables.Create(messages, options, tokens, normalizeToolCallIds: false), options.Budget, cancellationToken);
        }
        catch (JinjaRaiseException) when (ToolCallIds.AnyIn(messages))
        {
            // Some templates demand their own id format (Mistral: 9 alphanumerics); clients' ids rarely fit.
            return RenderOrThrow(ChatTemplateVariables.Create(messages, options, tokens, normalizeToolCallIds: true), options.Budget, cancellationToken);
        }
        catch (JinjaException ex)
        {
            throw Refusal(ex);
        }
    }

    private string RenderOrThrow(IReadOnlyDictionary<string, object?> variables, JinjaBudget budget, CancellationToken cancellationToken)
    {
        try
        {
            return template.Render(variables, budget, cancellationToken);
        }
        catch (JinjaException ex)
        {
            throw Refusal(ex);
        }
    }

    private static ChatTemplateException Refusal(JinjaException ex) => ex switch
    {
        JinjaRaiseException or JinjaLimitException => new ChatTemplateException(ex.Message, ex),
        _ => new ChatTemplateException($"The chat template failed on this conversation: {ex.Message}", ex),
    };
}
