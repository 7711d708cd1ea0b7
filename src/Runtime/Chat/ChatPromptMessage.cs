namespace Llm.Runtime.Chat;

/// <summary>One turn of a conversation as the prompt renderer sees it: a role and its text.</summary>
/// <param name="Role">system, user, assistant or tool.</param>
/// <param name="Content">The text of the turn (content parts already joined).</param>
public sealed record ChatPromptMessage(string Role, string Content);
