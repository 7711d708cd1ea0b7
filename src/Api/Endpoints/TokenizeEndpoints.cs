using System.Text;
using Llm.Api.Contracts;
using Llm.Api.Errors;
using Llm.Runtime.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Llm.Api.Endpoints;

/// <summary>
/// <c>POST /tokenize</c> and <c>POST /detokenize</c>, as llama-server offers them (plus a <c>model</c> field): control
/// tokens render as their text (<c>&lt;|im_start|&gt;</c>) in pieces and detokenized text, as llama-server's do.
/// </summary>
public static class TokenizeEndpoints
{
    public static IEndpointRouteBuilder MapTokenize(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/tokenize", TokenizeAsync);
        routes.MapPost("/detokenize", DetokenizeAsync);
        return routes;
    }

    private static async Task<Ok<TokenizeResponse>> TokenizeAsync(HttpContext http, ModelRegistry models, CancellationToken cancellationToken)
    {
        var request = await RequestBody.ReadAsync(http.Request, OpenAiJsonContext.Default.TokenizeRequest, cancellationToken);
        var model = Resolve(models, request.Model);
        var content = request.Content ?? throw OpenAiException.InvalidRequest("Missing required parameter: 'content'.", "content");
        var tokens = model.Tokenize(content, request.AddSpecial ?? false, request.ParseSpecial ?? true, cancellationToken);
        List<TokenPiece>? pieces = null;
        if (request.WithPieces == true)
        {
            pieces = new List<TokenPiece>(tokens.Length);
            foreach (var token in tokens)
            {
                var bytes = model.TokenBytes(token, renderSpecial: true);
                pieces.Add(new TokenPiece(token, Encoding.UTF8.GetString(bytes), Array.ConvertAll(bytes, b => (int)b)));
            }
        }
        return TypedResults.Ok(new TokenizeResponse(tokens, pieces));
    }

    private static async Task<Ok<DetokenizeResponse>> DetokenizeAsync(HttpContext http, ModelRegistry models, CancellationToken cancellationToken)
    {
        var request = await RequestBody.ReadAsync(http.Request, OpenAiJsonContext.Default.DetokenizeRequest, cancellationToken);
        var model = Resolve(models, request.Model);
        var tokens = request.Tokens ?? throw OpenAiException.InvalidRequest("Missing required parameter: 'tokens'.", "tokens");
        for (var i = 0; i < tokens.Count; i++)
        {
            if ((uint)tokens[i] >= (uint)model.VocabularySize) throw OpenAiException.InvalidRequest($"Token id {tokens[i]} is outside the vocabulary (0..{model.VocabularySize - 1}).", $"tokens[{i}]");
        }
        return TypedResults.Ok(new DetokenizeResponse(model.Detokenize(tokens, renderSpecial: true)));
    }

    // llama-server serves one model and has no "model" field; here it may be left out when only one is configured.
    private static ModelHost Resolve(ModelRegistry models, string? name)
    {
        if (!string.IsNullOrWhiteSpace(name)) return models.Get(name);
        var entries = models.Entries;
        return entries.Count == 1 ? models.Get(entries[0].Settings.Name) : throw OpenAiException.InvalidRequest("You must provide a model parameter when several models are served.", "model");
    }
}
