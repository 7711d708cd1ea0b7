using System.Text.Json;
using System.Text.Json.Serialization;

namespace Llm.Api.Contracts.FineTuning;

/// <summary>
/// A fine-tuning job as OpenAI shapes it. <see cref="Metrics"/> (the kept epoch's losses and accuracies once
/// the job succeeded) is this server's extension.
/// </summary>
public sealed record FineTuningJob(
    string Id,
    string? Model,
    long CreatedAt,
    long? FinishedAt,
    string? FineTunedModel,
    string Status,
    string TrainingFile,
    string? ValidationFile,
    ResolvedHyperparameters Hyperparameters,
    JobMethod Method,
    int Seed,
    string? UserProvidedSuffix,
    JobError? Error,
    JsonElement? Metadata,
    IReadOnlyDictionary<string, double>? Metrics)
{
    [JsonPropertyOrder(-1)]
    public string Object => "fine_tuning.job";

    public string OrganizationId => "org-local";

    public IReadOnlyList<string> ResultFiles => [];

    public long? TrainedTokens => null;

    public long? EstimatedFinish => null;
}

/// <summary><c>{code, message, param}</c> of a failed job.</summary>
public sealed record JobError(string Code, string Message, string? Param);

/// <summary>The method as the job reports it: the type and, under its name, the resolved hyper-parameters.</summary>
public sealed record JobMethod(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JobMethodBlock? Linear,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JobMethodBlock? Logistic,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JobMethodBlock? Mlp);

/// <summary>The block under a method type in a job object.</summary>
public sealed record JobMethodBlock(ResolvedHyperparameters Hyperparameters);

/// <summary>Hyper-parameters after defaults were applied; <see cref="HiddenLayers"/> and <see cref="Activation"/> are null except for MLPs.</summary>
public sealed record ResolvedHyperparameters(
    double LearningRate,
    int NEpochs,
    int BatchSize,
    double L2,
    string Optimizer,
    IReadOnlyList<int>? HiddenLayers,
    string? Activation,
    int EarlyStopping);

/// <summary>The answer of <c>GET /v1/fine_tuning/jobs</c>.</summary>
public sealed record FineTuningJobList(IReadOnlyList<FineTuningJob> Data, bool HasMore)
{
    [JsonPropertyOrder(-1)]
    public string Object => "list";
}
