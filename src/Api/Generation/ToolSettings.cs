using System.Text.Json;

namespace Llm.Api.Generation;

/// <summary>How a chat request uses tools.</summary>
/// <param name="Tools">The tool definitions, in OpenAI's shape.</param>
/// <param name="Mode">Whether the model may, must, or must call one named tool.</param>
/// <param name="ForcedName">The function a named tool choice forces.</param>
/// <param name="Parallel">Whether several calls may be returned.</param>
internal sealed record ToolSettings(IReadOnlyList<JsonElement> Tools, ToolChoiceMode Mode, string? ForcedName, bool Parallel);

/// <summary>OpenAI's <c>tool_choice</c>.</summary>
internal enum ToolChoiceMode
{
    Auto,
    Required,
    Named,
}
