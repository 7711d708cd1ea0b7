namespace Llm.Api.Streaming;

/// <summary>One server-sent event: its JSON (or <c>[DONE]</c>) data line and, for protocols that name events, its type.</summary>
/// <param name="Data">The text after <c>data: </c>; a single line.</param>
/// <param name="Event">The text after <c>event: </c> (Anthropic's and the Responses API's event types), or null for none.</param>
public readonly record struct SseEvent(string Data, string? Event = null);
