namespace Llm.Api.Errors;

/// <summary>An error to answer in the OpenAI shape with a given HTTP status.</summary>
public sealed class OpenAiException(int statusCode, string message, string type, string? param, string? code, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>Gets the HTTP status.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>Gets the OpenAI error type, e.g. <c>invalid_request_error</c>.</summary>
    public string Type { get; } = type;

    /// <summary>Gets the request parameter at fault.</summary>
    public string? Param { get; } = param;

    /// <summary>Gets the machine-readable code, e.g. <c>context_length_exceeded</c>.</summary>
    public string? Code { get; } = code;

    /// <summary>Gets how long a client should wait before retrying, for 429 and 503.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>A 400 <c>invalid_request_error</c> naming the parameter.</summary>
    public static OpenAiException InvalidRequest(string message, string? param, string? code = null)
        => new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    /// <summary>A 400 for a known OpenAI parameter this server does not implement.</summary>
    public static OpenAiException Unsupported(string param, string what)
        => InvalidRequest($"{what} is not supported by this server yet.", param, "unsupported_parameter");

    /// <summary>A 400 for a value outside its allowed range.</summary>
    public static OpenAiException OutOfRange(string param, string allowed)
        => InvalidRequest($"Invalid value for '{param}': {allowed}.", param, "invalid_value");
}
