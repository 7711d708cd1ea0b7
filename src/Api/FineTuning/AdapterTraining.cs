using Llm.Finetune.Adapters;
using Llm.Finetune.Data;
using Llm.Finetune.Models;
using Llm.Finetune.Training;

namespace Llm.Api.FineTuning;

/// <summary>
/// Trains an adapter from a training set and an optional separate validation set (which
/// <see cref="FineTuner"/> does not take): embeds text, aligns the validation labels with the training
/// labels, trains and packages the adapter.
/// </summary>
public static class AdapterTraining
{
    /// <summary>Trains; throws <see cref="InvalidDataException"/> when the validation set does not fit the training set.</summary>
    public static async Task<FineTuneResult> TrainAsync(LabeledDataset training, LabeledDataset? validation, TrainingPlan plan,
        Func<IReadOnlyList<string>, CancellationToken, Task<float[][]>>? embed, IProgress<EpochReport>? progress,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(plan);
        var trainer = new Trainer(plan.Training);
        if (validation is not null) CheckSameShape(training, validation);
        var train = await ToNumericAsync(training, embed, cancellationToken);
        var valid = validation is null ? null : Align(await ToNumericAsync(validation, embed, cancellationToken), train);
        if (train.FeatureCount != (valid?.FeatureCount ?? train.FeatureCount))
            throw new InvalidDataException($"The validation data has {valid!.FeatureCount} features; the training data has {train.FeatureCount}.");
        if (valid is null && plan.HoldOutFraction > 0 && train.Count > 1)
            (train, valid) = DatasetSplitter.Split(train, plan.HoldOutFraction, plan.Training.Seed);

        var model = CreateModel(plan, train);
        var validationSet = valid is { Count: > 0 } ? valid : null;
        // Training is CPU-bound and synchronous; keep it off the caller's thread.
        var result = await Task.Run(() => trainer.Train(model, train, validationSet, progress, cancellationToken), cancellationToken);
        var metadata = AdapterMetadata.FromTraining(plan.Training, result, train.Count, validationSet?.Count ?? 0,
            training is TextDataset ? plan.BaseModelId : null);
        return new FineTuneResult(new Adapter(model, result.Standardizer, train.LabelNames, metadata), result);
    }

    /// <summary>Builds the untrained model the plan asks for; throws <see cref="ArgumentException"/> when it does not fit the data.</summary>
    public static Model CreateModel(TrainingPlan plan, Dataset data)
    {
        var classification = data.Kind == ProblemKind.Classification;
        var classes = data.LabelNames.Count;
        if (classification && classes < 2)
            throw new InvalidDataException($"Classification needs at least two distinct labels; the data has {classes}.");
        var kind = plan.Kind ?? (classification ? ModelKind.LogisticRegression : ModelKind.LinearRegression);
        var seed = plan.Training.Seed;
        return kind switch
        {
            ModelKind.LinearRegression when !classification => new LinearRegression(data.FeatureCount),
            ModelKind.LogisticRegression when classification => new LogisticRegression(data.FeatureCount, classes),
            ModelKind.Mlp when classification => Mlp.Classifier(data.FeatureCount, plan.HiddenLayers, classes, plan.Activation, seed),
            ModelKind.Mlp => Mlp.Regressor(data.FeatureCount, plan.HiddenLayers, plan.Activation, seed),
            _ => throw new InvalidDataException(
                $"A {kind} model cannot be trained on {(classification ? "labels; use logistic or mlp" : "regression targets; use linear or mlp")}."),
        };
    }

    private static void CheckSameShape(LabeledDataset training, LabeledDataset validation)
    {
        if (training.Kind != validation.Kind)
            throw new InvalidDataException($"The training data is for {Describe(training.Kind)} but the validation data is for {Describe(validation.Kind)}.");
        if ((training is TextDataset) != (validation is TextDataset))
            throw new InvalidDataException("The training and validation data must both be text or both be feature arrays.");
    }

    private static string Describe(ProblemKind kind) => kind == ProblemKind.Classification ? "classification (label)" : "regression (target)";

    private static async Task<Dataset> ToNumericAsync(LabeledDataset data, Func<IReadOnlyList<string>, CancellationToken, Task<float[][]>>? embed,
        CancellationToken cancellationToken) => data switch
        {
            Dataset numeric => numeric,
            TextDataset text => await text.EmbedAsync(embed ?? throw new InvalidDataException("Text data needs a base model to embed it."),
                cancellationToken: cancellationToken),
            _ => throw new InvalidDataException($"Unsupported dataset type {data.GetType().Name}."),
        };

    // Label indices follow each file's own sorted label names, so validation labels are re-indexed by name.
    private static Dataset Align(Dataset validation, Dataset training)
    {
        if (validation.Kind != ProblemKind.Classification) return validation;
        var index = training.LabelNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var labels = new int[validation.Count];
        for (var row = 0; row < labels.Length; row++)
        {
            var name = validation.LabelNames[validation.Labels[row]];
            labels[row] = index.TryGetValue(name, out var i) ? i
                : throw new InvalidDataException($"The validation data has label '{name}', which the training data does not have.");
        }
        return Dataset.ForClassification(validation.Features.ToArray(), validation.FeatureCount, labels, training.LabelNames);
    }
}
