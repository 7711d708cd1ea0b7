using System.Text.Json;
using Llm.Runtime.Chat.Jinja;

namespace Llm.Runtime.Chat;

/// <summary>What besides the messages a chat template gets.</summary>
public sealed record ChatRenderOptions
{
    /// <summary>Gets the default options: generation prompt on, no tools.</summary>
    public static ChatRenderOptions Default { get; } = new();

    /// <summary>Gets a value indicating whether the prompt ends with the assistant's header.</summary>
    public bool AddGenerationPrompt { get; init; } = true;

    /// <summary>Gets the tools in OpenAI's shape (<c>{"type":"function","function":{...}}</c>), or null for none.</summary>
    public IReadOnlyList<JsonElement>? Tools { get; init; }

    /// <summary>
    /// Gets extra top-level variables of the template (such as Qwen3's <c>enable_thinking</c>), or null for none.
    /// A name the renderer sets itself (<see cref="ChatTemplateVariables.Reserved"/>), values nesting deeper than
    /// <see cref="ChatTemplateVariables.MaxDepth"/> or larger than <see cref="ChatTemplateVariables.MaxSize"/>, and
    /// any variable at all for a template that cannot read them (<see cref="ChatTemplate.ReadsVariables"/>) fail the
    /// render with a <see cref="ChatTemplateVariableException"/>. <see cref="ChatTemplateVariables.Merge"/> combines
    /// defaults with a caller's own.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement>? TemplateVariables { get; init; }

    /// <summary>
    /// Gets a value indicating whether the last message, which must be the assistant's, is left open for the model to
    /// continue (an assistant prefill): the conversation is rendered without the generation prompt and everything the
    /// template prints after that message's content (its end-of-turn marker and so on) is cut. Requires
    /// <see cref="AddGenerationPrompt"/> to be false.
    /// </summary>
    public bool ContinueFinalMessage { get; init; }

    /// <summary>
    /// Gets the steps and output a Jinja template may use for this render (<see cref="JinjaBudget.Default"/>:
    /// 10,000,000 steps, 16 Mi characters). Crossing it fails the render with a <see cref="ChatTemplateException"/>
    /// whose <see cref="ChatTemplateException.Limit"/> says which bound.
    /// </summary>
    public JinjaBudget Budget { get; init; } = JinjaBudget.Default;
}
