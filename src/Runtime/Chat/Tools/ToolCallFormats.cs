namespace Llm.Runtime.Chat.Tools;

/// <summary>Recognises the tool-call format a chat template asks for from the markers in its text.</summary>
public static class ToolCallFormats
{
    /// <summary>Returns the format of a template; Hermes when it names none (it is also the generic format).</summary>
    public static ToolCallFormat Detect(string? templateText)
    {
        if (string.IsNullOrEmpty(templateText)) return ToolCallFormat.Hermes;
        if (templateText.Contains("[TOOL_CALLS]", StringComparison.Ordinal)) return ToolCallFormat.Mistral;
        if (templateText.Contains("<|START_ACTION|>", StringComparison.Ordinal)) return ToolCallFormat.CommandR;
        if (templateText.Contains("<tool_call>", StringComparison.Ordinal)) return ToolCallFormat.Hermes;
        if (templateText.Contains("<|python_tag|>", StringComparison.Ordinal) || templateText.Contains("ipython", StringComparison.Ordinal)) return ToolCallFormat.Llama3Json;
        return ToolCallFormat.Hermes;
    }

    /// <summary>The texts whose appearance in the output starts the tool-call part (Llama 3 JSON also starts at a leading '{').</summary>
    public static IReadOnlyList<string> StartMarkers(ToolCallFormat format) => format switch
    {
        ToolCallFormat.Hermes => ["<tool_call>"],
        ToolCallFormat.Mistral => ["[TOOL_CALLS]"],
        ToolCallFormat.CommandR => ["<|START_ACTION|>"],
        _ => ["<|python_tag|>"],
    };

    /// <summary>Every marker text of a format's syntax, opening and closing (the texts models often have as single special tokens).</summary>
    public static IReadOnlyList<string> Markers(ToolCallFormat format) => format switch
    {
        ToolCallFormat.Hermes => ["<tool_call>", "</tool_call>"],
        ToolCallFormat.Mistral => ["[TOOL_CALLS]"],
        ToolCallFormat.CommandR => ["<|START_ACTION|>", "<|END_ACTION|>"],
        _ => ["<|python_tag|>"],
    };
}
