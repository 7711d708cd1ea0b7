namespace Llm.Api.Contracts;

/// <summary>A message's content: a plain string or a list of typed parts.</summary>
/// <param name="Parts">The parts; a plain string is one text part.</param>
/// <param name="WasString">Whether the client sent a plain string.</param>
public sealed record MessageContent(IReadOnlyList<ContentPart> Parts, bool WasString);

/// <summary>One content part; only <c>text</c> (and <c>refusal</c>) carry text a language model can read.</summary>
/// <param name="Type">The part type: text, image_url, input_audio, file, refusal.</param>
/// <param name="Text">The text of a text or refusal part.</param>
public sealed record ContentPart(string Type, string? Text);
