using System.Text.Json;

namespace Llm.Api.Contracts.FineTuning;

/// <summary>The body of <c>POST /v1/fine_tuning/jobs</c>.</summary>
public sealed record FineTuningJobRequest(
    string? Model,
    string? TrainingFile,
    string? ValidationFile,
    int? Seed,
    string? Suffix,
    MethodRequest? Method,
    HyperparametersRequest? Hyperparameters,
    JsonElement? Metadata);

/// <summary><c>{"type": "logistic", "logistic": {"hyperparameters": {...}}}</c>; the block named by the type is read.</summary>
public sealed record MethodRequest(string? Type, MethodBlockRequest? Linear, MethodBlockRequest? Logistic, MethodBlockRequest? Mlp, MethodBlockRequest? Supervised);

/// <summary>The block under a method type.</summary>
public sealed record MethodBlockRequest(HyperparametersRequest? Hyperparameters);

/// <summary>Requested hyper-parameters; null means the default (as does <c>"auto"</c> where it is allowed).</summary>
public sealed record HyperparametersRequest(
    HyperparameterValue? LearningRate,
    HyperparameterValue? LearningRateMultiplier,
    HyperparameterValue? NEpochs,
    HyperparameterValue? BatchSize,
    HyperparameterValue? L2,
    string? Optimizer,
    IReadOnlyList<int>? HiddenLayers,
    string? Activation,
    HyperparameterValue? EarlyStopping);
