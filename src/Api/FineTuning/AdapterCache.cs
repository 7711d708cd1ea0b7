using System.Collections.Concurrent;
using Llm.Api.Errors;
using Llm.Api.Tenancy;
using Llm.Finetune.Adapters;

namespace Llm.Api.FineTuning;

/// <summary>Loads each succeeded job's adapter once and keeps it; adapters are small and thread-safe to predict with.</summary>
public sealed class AdapterCache(FineTuningStore store)
{
    private readonly ConcurrentDictionary<string, Lazy<Adapter>> _adapters = new(StringComparer.Ordinal);

    /// <summary>The adapter named <paramref name="fineTunedModel"/>; a 404 when no succeeded job that <paramref name="caller"/> sees made it.</summary>
    public Adapter Get(string fineTunedModel, Tenant caller)
    {
        var job = store.FindByFineTunedModel(fineTunedModel, caller)
            ?? throw new OpenAiException(StatusCodes.Status404NotFound, $"The model '{fineTunedModel}' does not exist; pass the fine_tuned_model of a succeeded job.",
                "invalid_request_error", "model", "model_not_found");
        var lazy = _adapters.GetOrAdd(job.Job.Id, id => new Lazy<Adapter>(() => Adapter.Load(store.AdapterPath(id))));
        try
        {
            return lazy.Value;
        }
        catch (Exception ex) when (ex is AdapterFormatException or IOException)
        {
            _adapters.TryRemove(job.Job.Id, out _);
            throw new OpenAiException(StatusCodes.Status500InternalServerError, $"The adapter of '{fineTunedModel}' cannot be read: {ex.Message}", "server_error", "model", "adapter_unreadable");
        }
    }
}
