using System.Diagnostics;
using System.Runtime.CompilerServices;
using Llm.Finetune.Compute;
using Llm.Finetune.Data;
using Llm.Finetune.Models;
using Llm.Finetune.Optimization;

namespace Llm.Finetune.Training;

/// <summary>
/// Mini-batch training loop: seeded shuffle, gradient step, per-epoch validation, early stopping.
/// Every buffer is allocated before the first epoch, so the batch loop does not allocate, and the
/// run is single-threaded so equal seeds give bit-identical weights.
/// </summary>
public sealed class Trainer
{
    public Trainer(TrainingOptions? options = null)
    {
        Options = options ?? new TrainingOptions();
        Options.Validate();
    }

    public TrainingOptions Options { get; }

    /// <summary>Raised synchronously on the training thread after every epoch.</summary>
    public event EventHandler<EpochReport>? EpochCompleted;

    /// <summary>
    /// Trains <paramref name="model"/> in place. Cancellation is checked before every mini-batch and throws
    /// <see cref="OperationCanceledException"/>; the model then holds the weights of the last completed step.
    /// </summary>
    public TrainingResult Train(Model model, Dataset train, Dataset? validation = null,
        IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        CheckCompatible(model, train, nameof(train));
        if (train.Count == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(train));
        }
        if (validation is not null)
        {
            CheckCompatible(model, validation, nameof(validation));
            if (validation.Count == 0)
            {
                validation = null;
            }
        }

        var clock = Stopwatch.StartNew();
        Standardizer? standardizer = Options.Standardize ? Standardizer.Fit(train) : null;
        (float[] x, float[] y) = Prepare(train, standardizer);
        (float[] vx, float[] vy) = validation is null ? ([], []) : Prepare(validation, standardizer);

        int n = train.Count, d = train.FeatureCount, batch = Math.Min(Options.BatchSize, n);
        bool classification = train.Kind == ProblemKind.Classification;
        Optimizer optimizer = Optimizer.Create(Options.Optimizer, Options.LearningRate, Options.Momentum);
        var random = new SeededRandom(Options.Seed);
        int[] order = Enumerable.Range(0, n).ToArray();
        var batchX = new float[batch * d];
        var batchY = new float[batch];
        var gradient = new float[model.ParameterCount];
        float[]? bestWeights = validation is not null && Options.RestoreBestWeights ? model.Parameters.ToArray() : null;

        var history = new List<EpochReport>(Options.Epochs);
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, epochsWithoutImprovement = 0;
        bool stoppedEarly = false;
        for (int epoch = 1; epoch <= Options.Epochs && !stoppedEarly; epoch++)
        {
            if (Options.Shuffle)
            {
                random.Shuffle(order);
            }

            (double lossSum, long correct) = RunEpoch(model, optimizer, x, y, order, d, batchX, batchY, gradient, cancellationToken);
            double trainLoss = lossSum / n;
            if (!double.IsFinite(trainLoss))
            {
                throw new InvalidOperationException($"Training diverged at epoch {epoch} (loss is not finite); lower the learning rate.");
            }

            double? validationLoss = null, validationAccuracy = null;
            if (validation is not null)
            {
                (double loss, double accuracy) = Evaluate(model, vx, vy, validation.Count, d, batch);
                validationLoss = loss;
                validationAccuracy = classification ? accuracy : null;
            }

            var report = new EpochReport(epoch, Options.Epochs, trainLoss, validationLoss,
                classification ? (double)correct / n : null, validationAccuracy, clock.Elapsed);
            history.Add(report);

            double monitored = validationLoss ?? trainLoss;
            if (monitored < bestLoss - Options.EarlyStoppingMinDelta)
            {
                bestLoss = monitored;
                bestEpoch = epoch;
                epochsWithoutImprovement = 0;
                if (bestWeights is not null)
                {
                    model.Parameters.CopyTo(bestWeights);
                }
            }
            else if (validation is not null && Options.EarlyStoppingPatience > 0 && ++epochsWithoutImprovement >= Options.EarlyStoppingPatience)
            {
                stoppedEarly = true;
            }

            EpochCompleted?.Invoke(this, report);
            progress?.Report(report);
        }

        if (bestWeights is not null && bestEpoch > 0)
        {
            bestWeights.CopyTo(model.Parameters);
        }
        else
        {
            bestEpoch = history.Count;
        }

        return new TrainingResult(standardizer, history, bestEpoch, stoppedEarly, clock.Elapsed);
    }

    /// <summary>One pass over the shuffled rows; returns the summed batch losses and correct predictions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (double LossSum, long Correct) RunEpoch(Model model, Optimizer optimizer, float[] x, float[] y, int[] order, int d,
        float[] batchX, float[] batchY, float[] gradient, CancellationToken cancellationToken)
    {
        double lossSum = 0;
        long correct = 0;
        int n = order.Length, batch = batchY.Length;
        for (int start = 0; start < n; start += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int rows = Math.Min(batch, n - start);
            for (int i = 0; i < rows; i++)
            {
                int row = order[start + i];
                x.AsSpan(row * d, d).CopyTo(batchX.AsSpan(i * d, d));
                batchY[i] = y[row];
            }

            lossSum += model.Evaluate(batchX, batchY, rows, gradient, Options.L2, out int batchCorrect);
            correct += batchCorrect;
            optimizer.Step(model.Parameters, gradient);
        }

        return (lossSum, correct);
    }

    /// <summary>Mean loss and accuracy over already-prepared rows, in chunks that fit the model's work buffers.</summary>
    private static (double Loss, double Accuracy) Evaluate(Model model, float[] x, float[] y, int rows, int featureCount, int chunk)
    {
        double loss = 0;
        long correct = 0;
        for (int start = 0; start < rows; start += chunk)
        {
            int count = Math.Min(chunk, rows - start);
            loss += model.Evaluate(x.AsSpan(start * featureCount, count * featureCount), y.AsSpan(start, count), count, default, 0f, out int c);
            correct += c;
        }

        return (loss / rows, (double)correct / rows);
    }

    private static (float[] Features, float[] Targets) Prepare(Dataset data, Standardizer? standardizer)
    {
        float[] features = data.Features.ToArray();
        standardizer?.Transform(features);
        var targets = new float[data.Count];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = data.TrainingTarget(i);
        }

        return (features, targets);
    }

    private static void CheckCompatible(Model model, Dataset data, string name)
    {
        if (data.FeatureCount != model.InputCount)
        {
            throw new ArgumentException($"The model takes {model.InputCount} features; the {name} data has {data.FeatureCount}.", name);
        }

        int classes = model.Output switch
        {
            OutputActivation.Identity => 0,
            OutputActivation.Sigmoid => 2,
            _ => model.OutputCount,
        };
        if (data.Kind == ProblemKind.Regression ? classes != 0 : classes != data.LabelNames.Count)
        {
            string expected = classes == 0 ? "regression targets" : $"{classes} classes";
            string actual = data.Kind == ProblemKind.Regression ? "regression targets" : $"{data.LabelNames.Count} classes";
            throw new ArgumentException($"The model expects {expected}; the {name} data has {actual}.", name);
        }
    }
}
