using System.Text.Json;
using Llm.Api.Contracts;
using Llm.Runtime.Chat;
using Llm.Runtime.Chat.Pipeline;
using Llm.Runtime.Errors;
using Llm.Runtime.Models;

namespace Llm.Api.Errors;

/// <summary>The one place where exceptions become OpenAI error bodies and HTTP statuses.</summary>
public static class OpenAiErrors
{
    /// <summary>Maps any exception; unknown ones are server errors and say nothing of their internals.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="names">The wire names of the route's protocol (route metadata); null for chat completions'.</param>
    public static OpenAiException Map(Exception exception, ParameterNames? names = null) => exception switch
    {
        OpenAiException known => known,
        ContextLengthExceededException e => OpenAiException.InvalidRequest(e.Message, (names ?? ParameterNames.Chat).PromptAt(e.Index), "context_length_exceeded"),
        ChatTemplateException { Limit: not null } e => OpenAiException.InvalidRequest(e.Message, (names ?? ParameterNames.Chat).Prompt, "template_limit_exceeded"),
        ChatTemplateException e => OpenAiException.InvalidRequest(e.Message, (names ?? ParameterNames.Chat).Prompt, "chat_template_error"),
        ChatTemplateVariableException e => OpenAiException.InvalidRequest($"Invalid '{(names ?? ParameterNames.Chat).TemplateVariables}': {e.Message}", (names ?? ParameterNames.Chat).TemplateVariables),
        InvalidInputException e => OpenAiException.InvalidRequest(e.Message, ParamOf(e, names ?? ParameterNames.Chat)),
        ChatRequestException e => OpenAiException.InvalidRequest(e.Message, ParamOf(e.Part, names ?? ParameterNames.Chat), e.Code),
        GrammarRejectedException e => OpenAiException.InvalidRequest(e.Message, null, "invalid_grammar"),
        ModelNotFoundException e => new OpenAiException(StatusCodes.Status404NotFound, e.Message, "invalid_request_error", "model", "model_not_found"),
        ModelNotReadyException e => new OpenAiException(StatusCodes.Status503ServiceUnavailable, e.Message, "server_error", "model", "model_not_ready") { RetryAfter = TimeSpan.FromSeconds(1) },
        ModelLoadException e => new OpenAiException(StatusCodes.Status503ServiceUnavailable, e.Message, "server_error", "model", "model_load_failed"),
        QueueFullException e => new OpenAiException(StatusCodes.Status503ServiceUnavailable, e.Message, "server_error", null, "server_overloaded") { RetryAfter = TimeSpan.FromSeconds(1) },
        EngineUnavailableException e => new OpenAiException(StatusCodes.Status503ServiceUnavailable, e.Message, "server_error", null, "engine_unavailable") { RetryAfter = TimeSpan.FromSeconds(1) },
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new OpenAiException(StatusCodes.Status413PayloadTooLarge, "The request body is larger than this server accepts.", "invalid_request_error", null, "request_too_large"),
        BadHttpRequestException e => OpenAiException.InvalidRequest(e.Message, null),
        JsonException e => OpenAiException.InvalidRequest(DescribeJsonError(e), ParamOf(e.Path)),
        _ => new OpenAiException(StatusCodes.Status500InternalServerError, "The server had an error while processing your request.", "server_error", null, null),
    };

    /// <summary>Builds the response body for an error.</summary>
    public static OpenAiError Body(OpenAiException error) => new(new OpenAiErrorBody(error.Message, error.Type, error.Param, error.Code));

    /// <summary>Writes an error response, with <c>Retry-After</c> when one is set.</summary>
    public static Task WriteAsync(HttpContext context, OpenAiException error)
    {
        context.Response.StatusCode = error.StatusCode;
        if (error.RetryAfter is { } wait) context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return context.Response.WriteAsJsonAsync(Body(error), OpenAiJsonContext.Default.OpenAiError, contentType: "application/json", context.RequestAborted);
    }

    private static string ParamOf(InvalidInputException e, ParameterNames names) => e.Part switch
    {
        InputPart.LogitBias => names.LogitBias,
        InputPart.Model => "model",
        _ => names.PromptAt(e.Index),
    };

    private static string ParamOf(ChatRequestPart part, ParameterNames names) => part switch
    {
        ChatRequestPart.Tools => names.Tools,
        ChatRequestPart.OutputFormat => names.OutputFormat,
        ChatRequestPart.Reasoning => names.Reasoning,
        _ => names.Prompt,
    };

    // "$.messages[0].content" -> "messages[0].content".
    internal static string? ParamOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return null;
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string DescribeJsonError(JsonException e)
    {
        var param = ParamOf(e.Path);
        if (param is null) return $"The request body is not valid JSON: {FirstSentence(e.Message)}";
        // Messages from our converters explain themselves; the serializer's name CLR types, which mean nothing to clients.
        var detail = e.Message.Contains("could not be converted", StringComparison.Ordinal) ? "it has the wrong type" : FirstSentence(e.Message);
        return $"Invalid value for '{param}': {detail}";
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var text = cut >= 0 ? message[..cut] : message;
        cut = text.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut >= 0 ? text[..cut] : text).Trim();
    }
}
