namespace Llm.Finetune.Training;

/// <summary>
/// Progress after one epoch. Train loss and accuracy average the mini-batches as they were seen during
/// the epoch (before each batch's update); accuracies are null for regression, validation values null without validation data.
/// </summary>
public sealed record EpochReport(
    int Epoch,
    int TotalEpochs,
    double TrainLoss,
    double? ValidationLoss,
    double? TrainAccuracy,
    double? ValidationAccuracy,
    TimeSpan Elapsed);
