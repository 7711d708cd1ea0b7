using System.Text;
using LLama;
using LLama.Exceptions;
using LLama.Native;

namespace Llm.Runtime.Chat;

/// <summary>
/// Renders a conversation into a prompt with llama.cpp's built-in chat formats
/// (<c>llama_chat_apply_template</c>, which recognises a model's template by name or by its markers).
/// </summary>
/// <remarks>
/// Order of choice: the configured override (a built-in name such as <c>chatml</c> or <c>llama3</c>, or
/// template text), else the model's <c>tokenizer.chat_template</c>, else ChatML, which is also used when
/// llama.cpp does not recognise the model's template. Thread-safe: each render uses its own native state.
/// </remarks>
public sealed class ChatTemplate
{
    /// <summary>The built-in format used for models without a usable template.</summary>
    public const string FallbackName = "chatml";

    private readonly SafeLlamaModelHandle? _model;
    private readonly string? _custom;

    private ChatTemplate(SafeLlamaModelHandle? model, string? custom, string source)
    {
        _model = model;
        _custom = custom;
        Source = source;
    }

    /// <summary>Gets where the template comes from: <c>override</c>, <c>model</c> or <c>fallback (chatml)</c>.</summary>
    public string Source { get; }

    /// <summary>Chooses the template for a model.</summary>
    /// <param name="model">The model handle.</param>
    /// <param name="modelTemplate">The model's own template text, if any.</param>
    /// <param name="overrideTemplate">A configured built-in name or template text, if any.</param>
    /// <exception cref="ArgumentException">The override is not a template llama.cpp can render.</exception>
    public static ChatTemplate Create(SafeLlamaModelHandle model, string? modelTemplate, string? overrideTemplate)
    {
        if (!string.IsNullOrWhiteSpace(overrideTemplate))
        {
            var configured = new ChatTemplate(null, overrideTemplate, "override");
            if (!configured.CanRender()) throw new ArgumentException($"The chat template override '{Shorten(overrideTemplate)}' is neither a llama.cpp built-in name nor a template it recognises.");
            return configured;
        }
        if (!string.IsNullOrEmpty(modelTemplate))
        {
            var own = new ChatTemplate(model, null, "model");
            if (own.CanRender()) return own;
        }
        return new ChatTemplate(null, FallbackName, $"fallback ({FallbackName})");
    }

    /// <summary>Renders the conversation, ending with the assistant's header when <paramref name="addAssistant"/> is set.</summary>
    public string Render(IReadOnlyList<ChatPromptMessage> messages, bool addAssistant = true)
    {
        var template = _model is not null ? new LLamaTemplate(_model, null, strict: true) : new LLamaTemplate(_custom);
        template.AddAssistant = addAssistant;
        foreach (var message in messages) template.Add(NormalizeRole(message.Role), message.Content);
        return Encoding.UTF8.GetString(template.Apply());
    }

    // llama.cpp's built-in formats know system, user and assistant; "developer" is OpenAI's new name for system.
    private static string NormalizeRole(string role) => role == "developer" ? "system" : role;

    private bool CanRender()
    {
        try
        {
            return Render([new("system", "s"), new("user", "u")]).Length > 0;
        }
        catch (Exception ex) when (ex is RuntimeError or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
