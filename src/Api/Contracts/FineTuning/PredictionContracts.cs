using System.Text.Json;
using System.Text.Json.Serialization;

namespace Llm.Api.Contracts.FineTuning;

/// <summary>The body of <c>POST /v1/predictions</c>: feature arrays or texts, read item by item so errors name the item.</summary>
public sealed record PredictionRequest(string? Model, JsonElement? Input);

/// <summary>One prediction: <see cref="Label"/> and <see cref="Probabilities"/> for classifiers, <see cref="Value"/> for regressors.</summary>
public sealed record PredictionItem(
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Label,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, float>? Probabilities,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Value);

/// <summary>The answer of <c>POST /v1/predictions</c>.</summary>
public sealed record PredictionResponse(string Model, IReadOnlyList<PredictionItem> Data)
{
    [JsonPropertyOrder(-1)]
    public string Object => "list";
}
