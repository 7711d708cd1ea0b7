using System.Diagnostics;
using System.Text.Json;

namespace Llm.Bench.Finetune;

/// <summary>Runs bench/finetune/sklearn_baseline.py with the system Python (where Debian installs scikit-learn).</summary>
public static class SklearnBaseline
{
    public static JsonElement? Run(string script)
    {
        var start = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 0) return JsonDocument.Parse(output).RootElement.Clone();
            Console.Error.WriteLine($"scikit-learn baseline failed (exit {process.ExitCode}); showing the published figures.");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or JsonException)
        {
            Console.Error.WriteLine($"scikit-learn baseline unavailable ({ex.Message}); showing the published figures.");
        }
        return null;
    }
}
