using Llm.Api.Contracts;
using Llm.Api.Contracts.FineTuning;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Llm.Api.OpenApi;

/// <summary>
/// Completes what the OpenAPI generator cannot infer: the endpoints read their JSON bodies themselves (so that
/// every malformed body becomes an OpenAI-shaped 400), so their request bodies are declared here, together with
/// the error responses each can give, all in the OpenAI error shape.
/// </summary>
internal sealed class OperationDescriptions : IOpenApiOperationTransformer
{
    private static readonly Dictionary<string, Type> s_bodies = new(StringComparer.OrdinalIgnoreCase)
    {
        ["POST v1/chat/completions"] = typeof(ChatCompletionRequest),
        ["POST v1/completions"] = typeof(CompletionRequest),
        ["POST v1/embeddings"] = typeof(EmbeddingsRequest),
        ["POST v1/fine_tuning/jobs"] = typeof(FineTuningJobRequest),
        ["POST v1/predictions"] = typeof(PredictionRequest),
        ["POST tokenize"] = typeof(TokenizeRequest),
        ["POST detokenize"] = typeof(DetokenizeRequest),
        ["POST apply-template"] = typeof(ApplyTemplateRequest),
    };

    private static readonly Dictionary<string, Type> s_completions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["POST v1/chat/completions"] = typeof(ChatCompletionResponse),
        ["POST v1/completions"] = typeof(CompletionResponse),
    };

    private static readonly HashSet<string> s_usesModel = new(StringComparer.OrdinalIgnoreCase)
    {
        "v1/chat/completions", "v1/completions", "v1/embeddings", "v1/predictions", "tokenize", "detokenize", "apply-template",
    };

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var path = context.Description.RelativePath?.TrimStart('/') ?? string.Empty;
        var method = context.Description.HttpMethod ?? "GET";
        var key = $"{method} {path}";
        if (s_bodies.TryGetValue(key, out var type))
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken) },
                },
            };
        }
        else if (key == "POST v1/files")
        {
            operation.RequestBody = UploadBody();
        }

        operation.Responses ??= [];
        // One 200, two shapes: the JSON body, or with "stream": true server-sent events (each `data:` line one JSON
        // chunk, the last `data: [DONE]`). The generator sees only the event-stream result type, so both are set here.
        if (s_completions.TryGetValue(key, out var responseType) && operation.Responses.TryGetValue("200", out var okResponse)
            && okResponse is OpenApiResponse { Content: { } okContent })
        {
            okContent["application/json"] = new OpenApiMediaType { Schema = await context.GetOrCreateSchemaAsync(responseType, null, cancellationToken) };
            okContent["text/event-stream"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "data: {chunk JSON} events, ending with data: [DONE]" } };
        }
        var error = await context.GetOrCreateSchemaAsync(typeof(OpenAiError), null, cancellationToken);
        void Add(int status, string description)
            => operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = error } },
            });

        if (path != "health") Add(401, "Missing or wrong API key (only when API keys are configured).");
        if (method == "POST") Add(400, "The request is malformed or a parameter is invalid; 'param' names it.");
        if (method == "POST") Add(413, "The request body is larger than the server accepts.");
        if (path.StartsWith("v1/", StringComparison.Ordinal)) Add(429, "A rate limit was reached; see Retry-After.");
        if (s_usesModel.Contains(path) || path.Contains('{', StringComparison.Ordinal)) Add(404, "The model (or the object named in the path) does not exist.");
        if (s_usesModel.Contains(path) || path == "health") Add(503, "Loading, overloaded, draining or the model failed to load; see Retry-After.");
    }

    private static OpenApiRequestBody UploadBody() => new()
    {
        Required = true,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "file", "purpose" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                        ["purpose"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    },
                },
            },
        },
    };
}
