using Llm.Api.Contracts;
using Llm.Runtime.Errors;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Llm.Api.Endpoints;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{model}</c>.</summary>
public static class ModelsEndpoints
{
    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/models", List);
        routes.MapGet("/models/{**model}", Get);
        return routes;
    }

    private static Ok<ModelList> List(ModelRegistry models)
        => TypedResults.Ok(new ModelList(models.Entries.Select(ToWire).ToArray()));

    private static Ok<ModelObject> Get(string model, ModelRegistry models)
        => models.TryGetEntry(model, out var entry) ? TypedResults.Ok(ToWire(entry)) : throw new ModelNotFoundException(model);

    private static ModelObject ToWire(ModelEntry entry)
    {
        var info = entry.Host?.Info;
        var created = info?.Created ?? (File.Exists(entry.Settings.Path) ? new DateTimeOffset(File.GetLastWriteTimeUtc(entry.Settings.Path)).ToUnixTimeSeconds() : 0);
        var meta = new ModelMeta(
            entry.State.ToString().ToLowerInvariant(),
            info?.Architecture,
            info?.ParameterCount,
            info?.SizeBytes,
            info?.Quantization,
            info?.ContextSize,
            info?.TrainingContextLength,
            info?.ChatTemplateSource,
            entry.Error);
        return new ModelObject(entry.Settings.Name, created, meta);
    }
}
