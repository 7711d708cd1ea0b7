namespace Llm.Runtime.Chat;

/// <summary>The chat template refused the conversation (its <c>raise_exception</c>, or an error it hit); the message is the template's.</summary>
public sealed class ChatTemplateException(string message, Exception? inner = null) : Exception(message, inner);
