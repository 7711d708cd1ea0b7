namespace Llm.Runtime.Chat.Jinja;

/// <summary>
/// The template called <c>raise_exception(message)</c>: it refuses the input it was given
/// (for example a role order the model does not support). <see cref="Exception.Message"/> is exactly
/// the template's message, so it can be shown to the client as is.
/// </summary>
public sealed class JinjaRaiseException : JinjaException
{
    public JinjaRaiseException(string message) : base(message) { }
}
