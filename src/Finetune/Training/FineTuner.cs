using Llm.Finetune.Adapters;
using Llm.Finetune.Data;
using Llm.Finetune.Models;

namespace Llm.Finetune.Training;

/// <summary>
/// End-to-end pipeline from a loaded dataset to an adapter: embed text rows, split, build the model,
/// train and package the result with its standardisation and metadata.
/// </summary>
public static class FineTuner
{
    /// <param name="data">A <see cref="Dataset"/> or a <see cref="TextDataset"/>.</param>
    /// <param name="options">Model, split and training settings.</param>
    /// <param name="embed">Required for text data: turns texts into feature vectors (the base model).</param>
    /// <param name="progress">Receives a report after every epoch.</param>
    /// <param name="cancellationToken">Stops embedding or training; the task then ends as cancelled.</param>
    public static async Task<FineTuneResult> TrainAsync(LabeledDataset data, FineTuneOptions options,
        Func<IReadOnlyList<string>, CancellationToken, Task<float[][]>>? embed = null,
        IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var trainer = new Trainer(options.Training);
        Dataset numeric = data switch
        {
            Dataset d => d,
            TextDataset text => await text.EmbedAsync(
                embed ?? throw new ArgumentException("Text data needs an embedding function.", nameof(embed)),
                options.EmbeddingBatchSize, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentException($"Unsupported dataset type {data.GetType().Name}.", nameof(data)),
        };

        var (train, validation) = options.ValidationFraction > 0
            ? DatasetSplitter.Split(numeric, options.ValidationFraction, options.Training.Seed)
            : (numeric, null);
        Model model = CreateModel(options, numeric);

        // Training is CPU-bound and synchronous; run it off the caller's thread so async callers stay responsive.
        TrainingResult result = await Task.Run(
            () => trainer.Train(model, train, validation is { Count: > 0 } ? validation : null, progress, cancellationToken),
            cancellationToken).ConfigureAwait(false);

        var metadata = AdapterMetadata.FromTraining(options.Training, result, train.Count, validation?.Count ?? 0,
            data is TextDataset ? options.BaseModelId : null);
        var adapter = new Adapter(model, result.Standardizer, numeric.LabelNames, metadata);
        return new FineTuneResult(adapter, result);
    }

    private static Model CreateModel(FineTuneOptions options, Dataset data)
    {
        bool classification = data.Kind == ProblemKind.Classification;
        int classes = data.LabelNames.Count;
        if (classification && classes < 2)
        {
            throw new ArgumentException($"Classification needs at least two distinct labels; the data has {classes}.");
        }

        ModelKind kind = options.Model ?? (classification ? ModelKind.LogisticRegression : ModelKind.LinearRegression);
        return kind switch
        {
            ModelKind.LinearRegression when !classification => new LinearRegression(data.FeatureCount),
            ModelKind.LogisticRegression when classification => new LogisticRegression(data.FeatureCount, classes),
            ModelKind.Mlp => classification
                ? Mlp.Classifier(data.FeatureCount, options.HiddenLayers, classes, options.Activation, options.Training.Seed)
                : Mlp.Regressor(data.FeatureCount, options.HiddenLayers, options.Activation, options.Training.Seed),
            _ => throw new ArgumentException($"{kind} cannot be trained on {(classification ? "labels" : "regression targets")}."),
        };
    }
}
