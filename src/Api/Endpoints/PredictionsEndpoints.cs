using System.Text.Json;
using Llm.Api.Contracts;
using Llm.Api.Contracts.FineTuning;
using Llm.Api.Errors;
using Llm.Api.FineTuning;
using Llm.Api.Tenancy;
using Llm.Finetune.Adapters;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Llm.Api.Endpoints;

/// <summary>
/// <c>POST /v1/predictions</c>: runs a fine-tuned adapter on feature arrays (numeric adapters) or texts (text
/// adapters, embedded by the base model they were trained on). Only the caller's tenant's fine-tuned models
/// answer (admins: every tenant's); another tenant's is the same 404 as a name that never existed.
/// </summary>
public static class PredictionsEndpoints
{
    private const int MaxInputs = 4096;

    public static IEndpointRouteBuilder MapPredictions(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/predictions", PredictAsync);
        return routes;
    }

    private static async Task<Ok<PredictionResponse>> PredictAsync(HttpContext http, AdapterCache adapters, ModelRegistry models, CancellationToken cancellationToken)
    {
        var request = await RequestBody.ReadAsync(http.Request, OpenAiJsonContext.Default.PredictionRequest, cancellationToken);
        if (string.IsNullOrWhiteSpace(request.Model)) throw OpenAiException.InvalidRequest("You must provide a model parameter.", "model");
        if (request.Input is not { ValueKind: JsonValueKind.Array } input)
            throw OpenAiException.InvalidRequest("'input' must be an array of feature arrays or of strings.", "input");
        var count = input.GetArrayLength();
        if (count == 0) throw OpenAiException.InvalidRequest("'input' must not be empty.", "input");
        if (count > MaxInputs) throw OpenAiException.OutOfRange("input", $"at most {MaxInputs} inputs are allowed per request");

        var adapter = adapters.Get(request.Model, http.GetTenant());
        Prediction[] predictions;
        if (adapter.Metadata.BaseModelId is { } baseModel)
        {
            var texts = ReadTexts(input);
            predictions = await adapter.PredictTextAsync(texts, ModelEmbedder.For(models.Get(baseModel)), cancellationToken);
        }
        else
        {
            predictions = adapter.PredictBatch(ReadFeatures(input, adapter.FeatureCount), count);
        }

        var data = new PredictionItem[predictions.Length];
        for (var i = 0; i < data.Length; i++)
        {
            var p = predictions[i];
            data[i] = p.Label is null
                ? new PredictionItem(i, null, null, p.Value)
                : new PredictionItem(i, p.Label, p.Probabilities.ToDictionary(l => l.Label, l => l.Probability, StringComparer.Ordinal), null);
        }
        return TypedResults.Ok(new PredictionResponse(request.Model, data));
    }

    private static string[] ReadTexts(JsonElement input)
    {
        var texts = new string[input.GetArrayLength()];
        var i = 0;
        foreach (var item in input.EnumerateArray())
        {
            texts[i] = item.ValueKind == JsonValueKind.String ? item.GetString()!
                : throw OpenAiException.InvalidRequest("This adapter was trained on text; every input must be a string.", $"input[{i}]");
            i++;
        }
        return texts;
    }

    private static float[] ReadFeatures(JsonElement input, int featureCount)
    {
        var features = new float[input.GetArrayLength() * featureCount];
        var row = 0;
        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array)
                throw OpenAiException.InvalidRequest("This adapter was trained on features; every input must be an array of numbers.", $"input[{row}]");
            if (item.GetArrayLength() != featureCount)
                throw OpenAiException.InvalidRequest($"Input {row} has {item.GetArrayLength()} features; the adapter takes {featureCount}.", $"input[{row}]");
            var column = 0;
            foreach (var value in item.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetSingle(out var number) || !float.IsFinite(number))
                    throw OpenAiException.InvalidRequest($"Feature {column} of input {row} is not a finite number.", $"input[{row}][{column}]");
                features[row * featureCount + column++] = number;
            }
            row++;
        }
        return features;
    }
}
