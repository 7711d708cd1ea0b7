using Llm.Finetune.Optimization;

namespace Llm.Finetune.Training;

/// <summary>Hyper-parameters of a <see cref="Trainer"/> run. The defaults suit small, standardised datasets.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 20;

    public int BatchSize { get; init; } = 32;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Velocity decay for <see cref="OptimizerKind.Momentum"/>.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Weight decay coefficient: the objective gains (L2 / 2) * sum of squared weights (biases excluded).</summary>
    public float L2 { get; init; }

    /// <summary>Seeds the mini-batch shuffle; together with the model's seed it fixes the result exactly.</summary>
    public int Seed { get; init; }

    public bool Shuffle { get; init; } = true;

    /// <summary>Fit a <see cref="Data.Standardizer"/> on the training rows and train on standardised features.</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>Stop after this many epochs without validation-loss improvement; 0 disables early stopping. Needs validation data.</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>An epoch counts as an improvement only if validation loss drops by more than this.</summary>
    public float EarlyStoppingMinDelta { get; init; }

    /// <summary>With validation data, end with the weights of the epoch with the lowest validation loss.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(EarlyStoppingPatience, nameof(EarlyStoppingPatience));
        if (!(L2 >= 0f) || !float.IsFinite(L2) || !(EarlyStoppingMinDelta >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(L2), "L2 and the early-stopping delta must be finite and non-negative.");
        }

        // Constructing the optimizer validates the learning rate and momentum with its own messages.
        Optimization.Optimizer.Create(Optimizer, LearningRate, Momentum);
    }
}
