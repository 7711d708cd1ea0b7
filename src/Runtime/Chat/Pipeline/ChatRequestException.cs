namespace Llm.Runtime.Chat.Pipeline;

/// <summary>
/// A chat request the pipeline cannot run, naming the part of the request at fault in no protocol's terms; each
/// protocol adapter maps <see cref="Part"/> to its own parameter name.
/// </summary>
/// <param name="part">The part of the request at fault.</param>
/// <param name="message">What is wrong, for the client.</param>
/// <param name="code">A short machine-readable reason (<c>invalid_json_schema</c>, <c>invalid_grammar</c>).</param>
/// <param name="inner">The underlying error, if any.</param>
public sealed class ChatRequestException(ChatRequestPart part, string message, string code, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Gets the part of the request at fault.</summary>
    public ChatRequestPart Part { get; } = part;

    /// <summary>Gets the machine-readable reason.</summary>
    public string Code { get; } = code;
}

/// <summary>The parts of a <see cref="ChatRequest"/> an error can name.</summary>
public enum ChatRequestPart
{
    /// <summary>The conversation.</summary>
    Messages,

    /// <summary>The tool definitions (their parameter schemas).</summary>
    Tools,

    /// <summary>The output format (its schema).</summary>
    OutputFormat,

    /// <summary>The reasoning options.</summary>
    Reasoning,
}
