using System.Security.Cryptography;
using System.Text;

namespace Llm.Runtime.Chat;

/// <summary>Maps client tool-call ids to 9 alphanumeric characters, the strictest form a template demands (Mistral's).</summary>
internal static class ToolCallIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static bool AnyIn(IReadOnlyList<ChatPromptMessage> messages)
        => messages.Any(m => m.ToolCalls is { Count: > 0 } || m.ToolCallId is not null);

    /// <summary>Deterministic, so a call and the tool message answering it still match.</summary>
    public static string Normalize(string id)
    {
        if (id.Length == 9 && id.All(char.IsAsciiLetterOrDigit)) return id;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(id));
        var result = new char[9];
        for (var i = 0; i < result.Length; i++) result[i] = Alphabet[hash[i] % Alphabet.Length];
        return new string(result);
    }
}
