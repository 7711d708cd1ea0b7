using Llm.Finetune.Models;
using Llm.Finetune.Training;

namespace Llm.Api.FineTuning;

/// <summary>
/// Everything needed to train an adapter besides the data; shared by the HTTP jobs and <c>llm finetune</c>.
/// </summary>
/// <param name="Kind">Model family; null picks linear regression for targets and logistic regression for labels.</param>
/// <param name="HiddenLayers">Hidden layer sizes of an MLP.</param>
/// <param name="Activation">Hidden activation of an MLP.</param>
/// <param name="Training">Optimizer, epochs, batch size, seed, early stopping.</param>
/// <param name="HoldOutFraction">Share of the training rows held out for validation when no validation set is given.</param>
/// <param name="BaseModelId">The embedding model of text data, recorded in the adapter.</param>
public sealed record TrainingPlan(
    ModelKind? Kind,
    IReadOnlyList<int> HiddenLayers,
    Activation Activation,
    TrainingOptions Training,
    double HoldOutFraction,
    string? BaseModelId);
