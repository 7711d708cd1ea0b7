namespace Llm.Runtime.Chat.Tools;

/// <summary>A tool call found in a model's output.</summary>
/// <param name="Name">The function name.</param>
/// <param name="Arguments">The arguments as compact JSON text (what OpenAI's <c>function.arguments</c> carries).</param>
public sealed record ParsedToolCall(string Name, string Arguments);

/// <summary>A model's output split into text for the user and tool calls.</summary>
/// <param name="Content">The text outside tool calls, or null when there is none.</param>
/// <param name="Calls">The tool calls, possibly none.</param>
public sealed record ParsedOutput(string? Content, IReadOnlyList<ParsedToolCall> Calls);
