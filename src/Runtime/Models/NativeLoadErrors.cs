namespace Llm.Runtime.Models;

/// <summary>
/// Collects what llama.cpp logs at error level while a model loads on the current thread, because LLamaSharp reports
/// every failed load as "Failed to load model" and the reason is only in that log (e.g. "error loading model: unknown
/// model architecture: 'x'").
/// </summary>
internal static class NativeLoadErrors
{
    [ThreadStatic]
    private static List<string>? t_lines;

    /// <summary>Starts collecting on this thread; dispose to stop.</summary>
    public static Scope Capture()
    {
        t_lines = [];
        return new Scope();
    }

    /// <summary>Called from the native log callback, on the thread that logs.</summary>
    public static void Record(string message)
    {
        if (t_lines is { Count: < 64 } lines && !string.IsNullOrWhiteSpace(message)) lines.Add(message.Trim());
    }

    /// <summary>The most telling line collected so far: llama.cpp's "error loading model: ..." when there is one.</summary>
    public static string? Reason()
    {
        if (t_lines is not { Count: > 0 } lines) return null;
        const string marker = "error loading model: ";
        foreach (var line in lines)
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) return line[(at + marker.Length)..];
        }
        return lines[0];
    }

    /// <summary>Ends the capture of the thread that started it.</summary>
    public readonly struct Scope : IDisposable
    {
        public void Dispose() => t_lines = null;
    }
}
