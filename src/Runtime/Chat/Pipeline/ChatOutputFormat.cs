using System.Text.Json;

namespace Llm.Runtime.Chat.Pipeline;

/// <summary>The shape a content answer must take; tool calls are not bound by it.</summary>
/// <param name="Kind">Free text, any JSON object, or JSON matching <paramref name="Schema"/>.</param>
/// <param name="Schema">The JSON Schema of a <see cref="ChatOutputKind.JsonSchema"/> answer.</param>
public sealed record ChatOutputFormat(ChatOutputKind Kind, JsonElement? Schema = null)
{
    /// <summary>Gets free text.</summary>
    public static ChatOutputFormat Text { get; } = new(ChatOutputKind.Text);

    /// <summary>Gets any JSON object.</summary>
    public static ChatOutputFormat JsonObject { get; } = new(ChatOutputKind.JsonObject);

    /// <summary>JSON matching a schema (the subset <see cref="Grammar.JsonSchemaGrammar"/> enforces).</summary>
    public static ChatOutputFormat JsonSchema(JsonElement schema) => new(ChatOutputKind.JsonSchema, schema);
}

/// <summary>The kinds of <see cref="ChatOutputFormat"/>.</summary>
public enum ChatOutputKind
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>Any JSON object.</summary>
    JsonObject,

    /// <summary>JSON matching a schema.</summary>
    JsonSchema,
}
