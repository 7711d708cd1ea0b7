using System.Text.Json;

namespace Llm.Runtime.Chat.Pipeline;

/// <summary>The tools of a chat request and how the model must use them.</summary>
/// <param name="Tools">
/// The tool definitions in the shape chat templates read (Hugging Face's convention, OpenAI's chat tool shape):
/// <c>{"type": "function", "function": {"name", "description", "parameters"}}</c>.
/// </param>
/// <param name="Choice">Whether the model may, must, or must call one named tool.</param>
/// <param name="ForcedName">The function <see cref="ToolChoice.Named"/> forces; null otherwise.</param>
/// <param name="Parallel">Whether several calls may be returned in one answer; when false only the first is kept.</param>
public sealed record ChatToolOptions(IReadOnlyList<JsonElement> Tools, ToolChoice Choice = ToolChoice.Auto, string? ForcedName = null, bool Parallel = true);

/// <summary>Whether a model with tools may answer in text.</summary>
public enum ToolChoice
{
    /// <summary>The model answers in text or calls tools, as it chooses.</summary>
    Auto,

    /// <summary>The model must call at least one tool.</summary>
    Required,

    /// <summary>The model must call the one named tool.</summary>
    Named,
}
