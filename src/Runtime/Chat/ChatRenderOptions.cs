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
    /// Gets the steps and output a Jinja template may use for this render (<see cref="JinjaBudget.Default"/>:
    /// 10,000,000 steps, 16 Mi characters). Crossing it fails the render with a <see cref="ChatTemplateException"/>
    /// whose <see cref="ChatTemplateException.Limit"/> says which bound.
    /// </summary>
    public JinjaBudget Budget { get; init; } = JinjaBudget.Default;
}
