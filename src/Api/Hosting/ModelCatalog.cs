using Llm.Runtime.Models;
using Llm.Runtime.Models.Demo;

namespace Llm.Api.Hosting;

/// <summary>
/// Turns the configured models into load settings; with none configured, builds and serves the demo model. The path
/// <c>demo</c> (<c>--model demo</c>, <c>--model NAME=demo</c>) also means the built-in demo model, so it can be served
/// beside others; a file named <c>demo</c> is given as <c>./demo</c>.
/// </summary>
public static class ModelCatalog
{
    /// <summary>Resolves and checks every model file, so a bad path stops start-up before the server listens.</summary>
    /// <exception cref="ModelLoadException">A model file is missing, unreadable, not GGUF, or refused by the GGUF validator.</exception>
    public static IReadOnlyList<ModelSettings> Resolve(ServerOptions options)
    {
        var models = options.Models.Count > 0
            ? options.Models.Select(m => Settings(options, m.Name ?? ModelNames.FromPath(m.Path), PathOf(options, m.Path), m.ChatTemplate)).ToList()
            : [Settings(options, DemoModel.Name, DemoModel.EnsureBuilt(CacheDirectory(options)), null)];
        // Loaded on first use, a bad file fails that model's requests and leaves the others serving.
        if (options.LoadMode == "start")
        {
            foreach (var model in models) ModelFileCheck.EnsureValid(model.Path);
        }
        return models;
    }

    /// <summary>The cache folder: the configured one, else $XDG_CACHE_HOME/llm, else ~/.cache/llm.</summary>
    public static string CacheDirectory(ServerOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.CacheDirectory)) return options.CacheDirectory;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "llm");
    }

    private static string PathOf(ServerOptions options, string path)
        => path == DemoModel.Name ? DemoModel.EnsureBuilt(CacheDirectory(options)) : path;

    private static ModelSettings Settings(ServerOptions options, string name, string path, string? chatTemplate) => new()
    {
        Name = name,
        Path = path,
        ContextSize = options.ContextSize,
        GpuLayers = options.GpuLayers,
        Threads = options.Threads,
        BatchSize = options.BatchSize,
        Parallel = options.Parallel,
        MaxQueue = options.MaxQueue,
        CacheSlots = options.CacheSlots,
        ChatTemplate = chatTemplate ?? options.ChatTemplate,
        GpuLayersAuto = options.GpuLayersAuto,
        LoadOnStart = options.LoadMode == "start",
        MaxPromptTokens = options.MaxPromptTokens,
        DefaultTemplateVariableNames = options.DefaultTemplateVariables()?.Keys.ToArray() ?? [],
    };
}
