using System.Collections.Concurrent;
using Llm.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace Llm.Runtime.Models;

/// <summary>The configured models by name, with their load state.</summary>
/// <remarks>Thread-safe. Owns the hosts it loads and disposes them with itself.</remarks>
public sealed partial class ModelRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, ModelEntry> _entries = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<ModelSettings> _settings;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="ModelRegistry"/> class; nothing is loaded yet.</summary>
    /// <exception cref="ArgumentException">Two models share a name.</exception>
    public ModelRegistry(IEnumerable<ModelSettings> models, ILoggerFactory loggerFactory)
    {
        _settings = models.ToArray();
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ModelRegistry>();
        foreach (var settings in _settings)
        {
            if (!_entries.TryAdd(settings.Name, new ModelEntry(settings, ModelState.Loading, null, null)))
                throw new ArgumentException($"Two models are named '{settings.Name}'.", nameof(models));
        }
    }

    /// <summary>Gets the configured models in configuration order.</summary>
    public IReadOnlyList<ModelEntry> Entries => _settings.Select(s => _entries[s.Name]).ToArray();

    /// <summary>Gets a value indicating whether every model is loaded.</summary>
    public bool IsReady => _entries.Values.All(e => e.State == ModelState.Ready);

    /// <summary>Loads every model in turn; a failure is recorded on its entry and returned, the others still load.</summary>
    /// <returns>The load errors, empty when all loaded.</returns>
    public IReadOnlyList<string> LoadAll(CancellationToken cancellationToken = default)
    {
        var errors = new List<string>();
        foreach (var settings in _settings)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                var host = ModelHost.Load(settings, _loggerFactory);
                _entries[settings.Name] = new ModelEntry(settings, ModelState.Ready, host, null);
                LogLoaded(_logger, settings.Name, host.Info.ParameterCount, host.ContextSize, host.Template.Source,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (ModelLoadException ex)
            {
                _entries[settings.Name] = new ModelEntry(settings, ModelState.Failed, null, ex.Message);
                errors.Add($"{settings.Name}: {ex.Message}");
            }
        }
        return errors;
    }

    /// <summary>Finds a loaded model.</summary>
    /// <exception cref="ModelNotFoundException">No model has that name.</exception>
    /// <exception cref="ModelNotReadyException">The model is loading or failed to load.</exception>
    public ModelHost Get(string name)
    {
        if (!_entries.TryGetValue(name, out var entry)) throw new ModelNotFoundException(name);
        return entry.State switch
        {
            ModelState.Ready => entry.Host!,
            ModelState.Loading => throw new ModelNotReadyException(name, "it is still loading"),
            _ => throw new ModelNotReadyException(name, entry.Error ?? "it failed to load"),
        };
    }

    /// <summary>Finds a configured model's entry, loaded or not.</summary>
    public bool TryGetEntry(string name, out ModelEntry entry) => _entries.TryGetValue(name, out entry!);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var entry in _entries.Values) entry.Host?.Dispose();
        _entries.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {Name}: {Parameters} parameters, context {Context}, chat template {Template}, in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string name, ulong parameters, int context, string template, double milliseconds);
}
