using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Llm.Api.Contracts;
using Llm.Api.Errors;

namespace Llm.Api.Generation;

/// <summary>Serializes stream events to the one-line JSON strings that follow <c>data: </c>.</summary>
internal static class SseSerializer
{
    public const string Done = "[DONE]";

    public static string Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.Serialize(value, typeInfo);

    /// <summary>The event sent when generation fails after the 200 has gone out.</summary>
    public static string Error(Exception exception)
        => JsonSerializer.Serialize(OpenAiErrors.Body(OpenAiErrors.Map(exception)), OpenAiJsonContext.Default.OpenAiError);
}
