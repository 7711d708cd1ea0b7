using System.Text;
using LLama;
using LLama.Exceptions;
using LLama.Native;
using Llm.Runtime.Chat.Tools;

namespace Llm.Runtime.Chat;

/// <summary>
/// llama.cpp's built-in chat formats (<c>llama_chat_apply_template</c>): a fixed list recognised by name or by
/// markers in the template text. Roles and text only: tool calls and tools are not rendered.
/// </summary>
internal sealed class LlamaCppChatTemplate : ChatTemplate
{
    private readonly SafeLlamaModelHandle? _model;
    private readonly string? _name;

    private LlamaCppChatTemplate(SafeLlamaModelHandle? model, string? name, string source)
    {
        _model = model;
        _name = name;
        Source = source;
    }

    public override string Source { get; }

    public override bool RendersTools => false;

    public override bool ReadsVariables => false;

    public override ToolCallFormat ToolCallFormat => ToolCallFormat.Hermes;

    /// <summary>The model's own template (name null) or a named built-in; null when llama.cpp does not recognise it.</summary>
    public static LlamaCppChatTemplate? TryCreate(SafeLlamaModelHandle model, string? name, string source)
    {
        var candidate = name is null ? new LlamaCppChatTemplate(model, null, source) : new LlamaCppChatTemplate(null, name, source);
        try
        {
            return candidate.Render([new("system", "s"), new("user", "u")]).Length > 0 ? candidate : null;
        }
        catch (ChatTemplateException)
        {
            return null;
        }
    }

    protected override string RenderCore(IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var template = _model is not null ? new LLamaTemplate(_model, null, strict: true) : new LLamaTemplate(_name);
            template.AddAssistant = options.AddGenerationPrompt;
            foreach (var message in messages) template.Add(message.Role == "developer" ? "system" : message.Role, message.Content ?? string.Empty);
            return Encoding.UTF8.GetString(template.Apply());
        }
        catch (Exception ex) when (ex is RuntimeError or ArgumentException or InvalidOperationException)
        {
            throw new ChatTemplateException($"llama.cpp could not apply the chat template: {ex.Message}", ex);
        }
    }
}
