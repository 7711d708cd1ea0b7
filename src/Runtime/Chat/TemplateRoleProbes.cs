namespace Llm.Runtime.Chat;

/// <summary>
/// Finds which roles a template prints by rendering small probe conversations with a marker in the probed message
/// (as llama.cpp's chat layer does before it rewrites a conversation for a template): a render that throws or leaves
/// the marker out means the role is not printed.
/// </summary>
internal static class TemplateRoleProbes
{
    private const string SystemMarker = "probe-system-5f1d";
    private const string ToolMarker = "probe-tool-result-5f1d";

    private static readonly ChatPromptMessage[] SystemProbe = [new("system", SystemMarker), new("user", "hi")];

    // The generic tool prompt turns earlier calls into assistant text before the template sees them, so the tool
    // result is probed after a plain assistant turn.
    private static readonly ChatPromptMessage[] ToolProbe =
    [
        new("user", "hi"),
        new("assistant", "ok"),
        new("tool", ToolMarker) { ToolCallId = "call_probe", Name = "probe_tool" },
    ];

    /// <summary>Whether <paramref name="render"/> prints the content of a leading system message.</summary>
    public static bool PrintsSystem(Func<IReadOnlyList<ChatPromptMessage>, string> render) => Prints(render, SystemProbe, SystemMarker);

    /// <summary>Whether <paramref name="render"/> prints the content of a tool message that follows an assistant turn.</summary>
    public static bool PrintsTool(Func<IReadOnlyList<ChatPromptMessage>, string> render) => Prints(render, ToolProbe, ToolMarker);

    private static bool Prints(Func<IReadOnlyList<ChatPromptMessage>, string> render, ChatPromptMessage[] probe, string marker)
    {
        try
        {
            return render(probe).Contains(marker, StringComparison.Ordinal);
        }
        catch (ChatTemplateException)
        {
            return false;
        }
    }
}
