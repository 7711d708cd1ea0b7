using System.Text.Json.Serialization;

namespace Llm.Api.FineTuning;

/// <summary>Source-generated JSON for the records the fine-tuning store keeps on disk (same naming as the wire).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(StoredFile))]
[JsonSerializable(typeof(StoredJob))]
internal sealed partial class FineTuningStoreJsonContext : JsonSerializerContext;
