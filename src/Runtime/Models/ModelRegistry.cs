using System.Diagnostics;
using Llm.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace Llm.Runtime.Models;

/// <summary>
/// The configured models by name and their lifetimes: loaded at start or on first use, unloaded after an idle
/// keep-alive, and at most <see cref="ModelLifecycle.MaxLoaded"/> in memory (or within the memory budget), the
/// least recently used idle one giving way first.
/// </summary>
/// <remarks>
/// Thread-safe. Each load runs on its own thread, so loading one model never blocks requests to another. Owns the
/// hosts it loads and disposes them with itself. "Idle" means no sequence running or waiting and no request for
/// <see cref="BusyGrace"/>: callers get a host from <see cref="Get"/> and submit to it a moment later, and a host
/// unloaded in between would answer 503 (engine unavailable), so hosts used that recently are never unloaded.
/// </remarks>
public sealed partial class ModelRegistry : IDisposable
{
    /// <summary>How recently a model may have been asked for and still count as idle.</summary>
    public static readonly TimeSpan BusyGrace = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ModelSlot> _slots = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<ModelSettings> _settings;
    private readonly ModelLifecycle _lifecycle;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Timer? _sweeper;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="ModelRegistry"/> class; nothing is loaded yet.</summary>
    /// <exception cref="ArgumentException">Two models share a name.</exception>
    public ModelRegistry(IEnumerable<ModelSettings> models, ILoggerFactory loggerFactory, ModelLifecycle? lifecycle = null)
    {
        _settings = models.ToArray();
        _lifecycle = lifecycle ?? new ModelLifecycle();
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ModelRegistry>();
        foreach (var settings in _settings)
        {
            if (!_slots.TryAdd(settings.Name, new ModelSlot(settings)))
                throw new ArgumentException($"Two models are named '{settings.Name}'.", nameof(models));
        }
        if (_lifecycle.KeepAlive is not null) _sweeper = new Timer(_ => Sweep(), null, _lifecycle.SweepInterval, _lifecycle.SweepInterval);
    }

    /// <summary>Gets the configured models in configuration order, as a snapshot.</summary>
    public IReadOnlyList<ModelEntry> Entries
    {
        get
        {
            lock (_gate) return _settings.Select(s => _slots[s.Name].ToEntry()).ToArray();
        }
    }

    /// <summary>Gets a value indicating whether every model that loads at start is loaded.</summary>
    public bool IsReady
    {
        get
        {
            lock (_gate) return _slots.Values.All(s => !s.Settings.LoadOnStart || s.State == ModelState.Ready);
        }
    }

    /// <summary>Loads every model marked to load at start, in turn; a failure is recorded on its entry and returned, the others still load.</summary>
    /// <returns>The load errors, empty when all loaded.</returns>
    public IReadOnlyList<string> LoadAll(CancellationToken cancellationToken = default)
    {
        var errors = new List<string>();
        foreach (var settings in _settings.Where(s => s.LoadOnStart))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task<ModelHost> load;
            lock (_gate) load = Begin(_slots[settings.Name]);
            try
            {
                load.GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is ModelLoadException or ModelNotReadyException)
            {
                errors.Add($"{settings.Name}: {ex.Message}");
            }
        }
        return errors;
    }

    /// <summary>Finds a loaded model; a model not in memory starts loading and this call answers that it is not ready yet.</summary>
    /// <exception cref="ModelNotFoundException">No model has that name.</exception>
    /// <exception cref="ModelNotReadyException">The model is loading (or has just started to).</exception>
    /// <exception cref="ModelLoadException">The model failed to load.</exception>
    public ModelHost Get(string name)
    {
        lock (_gate)
        {
            var slot = Find(name);
            switch (slot.State)
            {
                case ModelState.Ready:
                    slot.Touch();
                    return slot.Host!;
                case ModelState.Failed:
                    throw new ModelLoadException($"The model '{name}' failed to load: {slot.Error}");
                case ModelState.Unloaded:
                    _ = Begin(slot);
                    throw new ModelNotReadyException(name, "it is loading on first use; retry shortly");
                default:
                    throw new ModelNotReadyException(name, "it is still loading");
            }
        }
    }

    /// <summary>Returns a loaded model, loading it first when needed; other models keep serving meanwhile.</summary>
    /// <inheritdoc cref="Get"/>
    public async Task<ModelHost> AcquireAsync(string name, CancellationToken cancellationToken = default)
    {
        Task<ModelHost> load;
        lock (_gate)
        {
            var slot = Find(name);
            if (slot.State == ModelState.Ready)
            {
                slot.Touch();
                return slot.Host!;
            }
            if (slot.State == ModelState.Failed) throw new ModelLoadException($"The model '{name}' failed to load: {slot.Error}");
            load = Begin(slot);
        }
        return await load.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds a configured model's entry, loaded or not.</summary>
    public bool TryGetEntry(string name, out ModelEntry entry)
    {
        lock (_gate)
        {
            if (_slots.TryGetValue(name, out var slot))
            {
                entry = slot.ToEntry();
                return true;
            }
        }
        entry = null!;
        return false;
    }

    /// <summary>Unloads a model now unless it is busy; returns whether it was unloaded.</summary>
    public bool TryUnload(string name)
    {
        ModelHost? host;
        lock (_gate)
        {
            var slot = Find(name);
            if (slot.State != ModelState.Ready || !slot.IsIdle(BusyGrace)) return false;
            host = slot.Unload();
        }
        LogUnloaded(_logger, name, "asked to");
        host?.Dispose();
        return true;
    }

    /// <summary>Unloads every model, ending their sequences, and refuses loads from now on.</summary>
    public void Dispose()
    {
        List<ModelHost> hosts;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            hosts = [.. _slots.Values.Select(s => s.Unload()).OfType<ModelHost>()];
        }
        _sweeper?.Dispose();
        foreach (var host in hosts) host.Dispose();
    }

    private ModelSlot Find(string name)
        => _slots.TryGetValue(name, out var slot) ? slot : throw new ModelNotFoundException(name);

    // Under the lock: starts (or joins) the load of a slot on its own thread.
    private Task<ModelHost> Begin(ModelSlot slot)
    {
        if (_disposed) throw new EngineUnavailableException("The server is shutting down.");
        if (slot.State == ModelState.Ready) return Task.FromResult(slot.Host!);
        if (slot.State == ModelState.Loading && slot.Load is { } running) return running;
        slot.State = ModelState.Loading;
        slot.Error = null;
        slot.Load = Task.Factory.StartNew(() => Load(slot), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return slot.Load;
    }

    private ModelHost Load(ModelSlot slot)
    {
        var name = slot.Settings.Name;
        List<ModelHost> evicted;
        lock (_gate) evicted = MakeRoom(slot);
        foreach (var host in evicted) host.Dispose();

        var started = Stopwatch.GetTimestamp();
        ModelHost loaded;
        try
        {
            var settings = ModelMemory.ResolveGpuLayers(slot.Settings, _loggerFactory, _logger);
            loaded = ModelHost.Load(settings, _loggerFactory);
        }
        catch (Exception ex) when (ex is not ModelNotReadyException)
        {
            // Anything llama.cpp or the checks throw is this model's failure, never the server's.
            var message = ex is ModelLoadException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            lock (_gate)
            {
                slot.State = ModelState.Failed;
                slot.Error = message;
                slot.Load = null;
            }
            LogLoadFailed(_logger, name, message);
            throw new ModelLoadException($"The model '{name}' failed to load: {message}", ex);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        lock (_gate)
        {
            if (_disposed)
            {
                loaded.Dispose();
                throw new EngineUnavailableException("The server is shutting down.");
            }
            slot.Loaded(loaded, seconds);
        }
        LogLoaded(_logger, name, loaded.Info.ParameterCount, loaded.ContextSize, loaded.Template.Source, seconds * 1000);
        // The server renders such a model without its defaults (requests that send their own get a 400), so say so
        // once here rather than leave the operator's variables silently unused.
        if (slot.Settings.DefaultTemplateVariableNames.Count > 0 && !loaded.Template.ReadsVariables)
            LogTemplateVariablesIgnored(_logger, name, string.Join(", ", slot.Settings.DefaultTemplateVariableNames), loaded.Template.Source);
        return loaded;
    }

    // Under the lock: unloads least recently used idle models until the new one fits; throws when it cannot.
    private List<ModelHost> MakeRoom(ModelSlot incoming)
    {
        var evicted = new List<ModelHost>();
        var budget = _lifecycle.MemoryBudgetBytes;
        if (budget > 0 && incoming.EstimatedBytes > budget)
        {
            incoming.State = ModelState.Failed;
            incoming.Error = $"it needs about {incoming.EstimatedBytes / (1024 * 1024)} MiB, more than the whole memory budget of {budget / (1024 * 1024)} MiB";
            incoming.Load = null;
            throw new ModelLoadException($"The model '{incoming.Settings.Name}' failed to load: {incoming.Error}");
        }
        while (true)
        {
            var resident = _slots.Values.Where(s => s != incoming && s.State is ModelState.Ready or ModelState.Loading).ToArray();
            var tooMany = _lifecycle.MaxLoaded > 0 && resident.Length + 1 > _lifecycle.MaxLoaded;
            var tooBig = budget > 0 && resident.Sum(s => s.EstimatedBytes) + incoming.EstimatedBytes > budget;
            if (!tooMany && !tooBig) return evicted;
            var victim = resident.Where(s => s.State == ModelState.Ready && s.IsIdle(BusyGrace)).MinBy(s => s.LastUsedTicks);
            if (victim is null)
            {
                incoming.State = ModelState.Unloaded;
                incoming.Load = null;
                foreach (var host in evicted) host.Dispose();
                throw new ModelNotReadyException(incoming.Settings.Name,
                    tooMany ? $"{resident.Length} other models are loaded and busy (at most {_lifecycle.MaxLoaded})" : "the memory budget is taken by busy models");
            }
            evicted.Add(victim.Unload()!);
            LogUnloaded(_logger, victim.Settings.Name, $"to make room for {incoming.Settings.Name}");
        }
    }

    private void Sweep()
    {
        if (_lifecycle.KeepAlive is not { } keepAlive) return;
        List<(string Name, ModelHost Host)> idle = [];
        lock (_gate)
        {
            if (_disposed) return;
            foreach (var slot in _slots.Values)
            {
                if (slot.State == ModelState.Ready && slot.IsIdle(keepAlive)) idle.Add((slot.Settings.Name, slot.Unload()!));
            }
        }
        foreach (var (name, host) in idle)
        {
            LogUnloaded(_logger, name, $"idle for {keepAlive.TotalSeconds:F0} s");
            host.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {Name}: {Parameters} parameters, context {Context}, chat template {Template}, in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string name, ulong parameters, int context, string template, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Name} ignores the server's template variables ({Variables}, from --chat-template-kwargs): its chat template, {Template}, is one of llama.cpp's built-in formats, which read no variables; serve it with a Jinja template (--chat-template FILE) to use them")]
    private static partial void LogTemplateVariablesIgnored(ILogger logger, string name, string variables, string template);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Name} failed to load: {Error}")]
    private static partial void LogLoadFailed(ILogger logger, string name, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded model {Name} ({Reason})")]
    private static partial void LogUnloaded(ILogger logger, string name, string reason);
}
