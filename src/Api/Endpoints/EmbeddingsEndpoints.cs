using System.Numerics.Tensors;
using Llm.Api.Contracts;
using Llm.Api.Errors;
using Llm.Api.Generation;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Llm.Api.Endpoints;

/// <summary><c>POST /v1/embeddings</c>: pooled, unit-length vectors, as floats or base64.</summary>
public static class EmbeddingsEndpoints
{
    private const int MaxInputs = 2048;

    public static IEndpointRouteBuilder MapEmbeddings(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/embeddings", CreateAsync).WithMetadata(new ParameterNames("input"));
        return routes;
    }

    private static async Task<Ok<EmbeddingsResponse>> CreateAsync(HttpContext http, ModelRegistry models, CancellationToken cancellationToken)
    {
        var request = await RequestBody.ReadAsync(http.Request, OpenAiJsonContext.Default.EmbeddingsRequest, cancellationToken);
        if (string.IsNullOrWhiteSpace(request.Model)) throw OpenAiException.InvalidRequest("You must provide a model parameter.", "model");
        var input = request.Input ?? throw OpenAiException.InvalidRequest("Missing required parameter: 'input'.", "input");
        if (input.Count == 0) throw OpenAiException.InvalidRequest("'input' must not be empty.", "input");
        if (input.Count > MaxInputs) throw OpenAiException.OutOfRange("input", $"at most {MaxInputs} inputs are allowed per request");
        var base64 = request.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw OpenAiException.OutOfRange("encoding_format", "must be 'float' or 'base64'"),
        };
        if (request.Dimensions is < 1) throw OpenAiException.OutOfRange("dimensions", "must be at least 1");

        var model = models.Get(request.Model);
        var engine = model.Embeddings;
        if (request.Dimensions > engine.Dimensions)
            throw OpenAiException.OutOfRange("dimensions", $"this model's embeddings have {engine.Dimensions} dimensions");

        if (input.Texts?.Any(string.IsNullOrEmpty) == true) throw OpenAiException.InvalidRequest("'input' must not contain empty strings.", "input");
        var tokens = new IReadOnlyList<int>[input.Count];
        if (input.Texts is { } all)
        {
            for (var i = 0; i < all.Count; i++) PromptBudget.EnsureFitsInput(model, all[i], engine.MaxInputTokens, i, input.Count > 1);
        }
        for (var i = 0; i < tokens.Length; i++)
            tokens[i] = input.Texts is { } texts ? model.Tokenize(texts[i], addSpecial: true, parseSpecial: false, cancellationToken) : input.TokenLists![i];
        var vectors = await engine.EmbedAsync(tokens, cancellationToken);

        var data = new EmbeddingData[vectors.Length];
        for (var i = 0; i < vectors.Length; i++) data[i] = new EmbeddingData(i, new EmbeddingVector(Shorten(vectors[i], request.Dimensions), base64));
        return TypedResults.Ok(new EmbeddingsResponse(data, request.Model, new EmbeddingsUsage(tokens.Sum(t => t.Count))));
    }

    // OpenAI's "dimensions" keeps the leading components and renormalises, as its Matryoshka-trained models allow.
    private static float[] Shorten(float[] vector, int? dimensions)
    {
        if (dimensions is not { } size || size >= vector.Length) return vector;
        var shorter = vector[..size];
        var norm = TensorPrimitives.Norm(shorter);
        if (norm > 0) TensorPrimitives.Divide(shorter, norm, shorter);
        return shorter;
    }
}
