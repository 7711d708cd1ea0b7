using System.Globalization;
using Llm.Api.Contracts.FineTuning;
using Llm.Finetune.Data;
using Llm.Finetune.Optimization;
using Llm.Finetune.Training;

namespace Llm.Api.FineTuning;

/// <summary>
/// Estimates a job's parameter count and peak memory from the shapes of its files and its hyper-parameters, and
/// checks them against <see cref="JobLimits"/>, so a job too large for the server is refused when it is created
/// (400 naming the hyper-parameter to change) instead of exhausting memory when it runs.
/// </summary>
/// <remarks>
/// With n training rows, v validation-file rows, d features per row (for text: the base model's embedding width),
/// s = [d, hidden layers (MLP only), o] with o output units (1 for regression and two classes, else the class
/// count), P = sum over layers of (inputs + 1) * outputs, and R = (n + v) * (d + 1) * 4 bytes (one numeric copy of
/// every row with its target):
/// <list type="bullet">
/// <item>parsing = per file: its bytes + 3 * its numeric rows (the reader's list grows to twice the rows before its
/// final copy); for text: its bytes + 2 * its bytes + 32 * rows (UTF-16 strings).</item>
/// <item>rows held = the parsed files (R, or the text strings) + R when text is embedded + n * (d + 1) * 4 for a
/// held-out split (early stopping without a validation file) + v * (d + 1) * 4 when validation labels are re-indexed.</item>
/// <item>trainer = <see cref="TrainingFootprint"/>: R again (its standardised copy) + 4 * P * (2 + optimizer slots
/// [Adam 3] + best weights [1 with validation rows]) + weight-sized buffers + 4 * b * (2 * sum of widths + ...) for a
/// mini-batch of b = min(batch_size, n) rows.</item>
/// <item>peak = max(parsing, rows held + trainer).</item>
/// </list>
/// It counts every copy as if no other job shared the file, so it errs high; the model that embeds text is not
/// counted (it is loaded and budgeted as a served model).
/// </remarks>
public static class JobBudget
{
    private const double FloatBytes = sizeof(float);

    /// <summary>Estimates a job's memory. <paramref name="features"/> is the row width: the file's, or the embedding width for text.</summary>
    /// <param name="training">The training file's shape.</param>
    /// <param name="validation">The validation file's shape, if any.</param>
    /// <param name="features">Features per row the model takes.</param>
    /// <param name="methodType"><c>linear</c>, <c>logistic</c> or <c>mlp</c>.</param>
    /// <param name="hyperparameters">The resolved hyper-parameters.</param>
    public static JobEstimate Estimate(DatasetShape training, DatasetShape? validation, int features, string methodType,
        ResolvedHyperparameters hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        var output = TrainingFootprint.OutputUnits(training.Kind, training.Classes);
        int[] layers = methodType == "mlp" ? [features, .. hyperparameters.HiddenLayers ?? JobSettings.DefaultHiddenLayers, output] : [features, output];
        long rows = training.Rows, validationRows = validation?.Rows ?? 0;
        var holdOut = validation is null && hyperparameters.EarlyStopping > 0 && rows > 1;
        var held = holdOut ? (long)Math.Round(rows * JobSettings.EarlyStoppingHoldOut) : 0;
        var options = new TrainingOptions
        {
            BatchSize = hyperparameters.BatchSize,
            Optimizer = Enum.Parse<OptimizerKind>(hyperparameters.Optimizer, ignoreCase: true),
        };
        var trainer = TrainingFootprint.Estimate(layers, rows - held, validationRows + held, options);

        var row = (features + 1.0) * FloatBytes;
        var all = (rows + validationRows) * row;
        var parsed = training.IsText ? Strings(training) + Strings(validation) : all;
        var embedded = training.IsText ? all : 0;
        var split = holdOut ? rows * row : 0;
        var aligned = validation is not null && training.Kind == ProblemKind.Classification ? validationRows * row : 0;
        var parse = Parse(training, row) + Parse(validation, row);
        return new JobEstimate(trainer.ParameterCount, Saturate(parse), Saturate(parsed + embedded + split + aligned), trainer);
    }

    /// <summary>The first bound <paramref name="estimate"/> breaks, or null when it fits.</summary>
    /// <param name="estimate">The job's estimate.</param>
    /// <param name="limits">The server's limits.</param>
    /// <param name="methodType"><c>linear</c>, <c>logistic</c> or <c>mlp</c>.</param>
    /// <param name="prefix">Where the request put the hyper-parameters, e.g. <c>method.mlp.hyperparameters</c>.</param>
    /// <param name="isText">Whether the rows are text (their width is the base model's).</param>
    public static BudgetViolation? Check(JobEstimate estimate, JobLimits limits, string methodType, string prefix, bool isText)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(limits);
        var mlp = methodType == "mlp";
        var widthParam = mlp ? $"{prefix}.hidden_layers" : "training_file";
        var widthAdvice = mlp ? "Use fewer or narrower hidden layers."
            : isText ? "Use a base model with narrower embeddings, or fewer classes." : "Use a file with fewer features or classes.";
        if (limits.MaxAdapterParameters > 0 && estimate.ParameterCount > limits.MaxAdapterParameters)
        {
            return new BudgetViolation(
                $"The adapter would have {N(estimate.ParameterCount)} parameters; this server allows at most {N(limits.MaxAdapterParameters)} " +
                $"(--max-adapter-parameters). {widthAdvice}", widthParam, "too_many_parameters");
        }

        if (limits.MaxJobMemoryBytes <= 0 || estimate.PeakBytes <= limits.MaxJobMemoryBytes) return null;
        var allowed = $"this server allows {Mib(limits.MaxJobMemoryBytes)} MiB per job (--max-job-memory-mb)";
        if (estimate.ParseBytes >= estimate.TrainingPhaseBytes)
        {
            // The peak is while the files are parsed, before any weight exists: one part, the files themselves.
            return new BudgetViolation(
                $"This job needs an estimated {Mib(estimate.PeakBytes)} MiB of memory while its files are parsed (the file bytes and the " +
                $"parsed rows); {allowed}. Use a smaller training file (fewer rows or features).", "training_file", "job_memory_exceeded");
        }

        // The peak is while training: its parts are exactly these three, and they are rounded so that they add up to the total shown.
        var data = estimate.RowBytes + estimate.Training.DataBytes;
        var state = estimate.Training.StateBytes;
        var activations = estimate.Training.ActivationBytes;
        var (param, advice) = data >= state && data >= activations
            ? ("training_file", "Use a smaller training file (fewer rows or features).")
            : state >= activations ? (widthParam, widthAdvice) : ($"{prefix}.batch_size", "Use a smaller batch_size.");
        var parts = MibParts([data, state, activations]);
        return new BudgetViolation(
            $"This job needs an estimated {N(parts.Sum())} MiB of memory while training ({N(parts[0])} MiB of rows, {N(parts[1])} MiB of weights, " +
            $"gradients and optimizer state, {N(parts[2])} MiB of mini-batch activations); {allowed}. {advice}", param, "job_memory_exceeded");
    }

    /// <summary>
    /// Whole MiB for each part, summing to the parts' total rounded up: each part is rounded down, and the MiB left
    /// over go to the parts with the largest remainders (largest-remainder rounding).
    /// </summary>
    internal static long[] MibParts(long[] bytes)
    {
        const double Mebibyte = 1024.0 * 1024.0;
        var total = (long)Math.Ceiling(bytes.Sum(b => (double)b) / Mebibyte);
        var parts = bytes.Select(b => (long)Math.Floor(b / Mebibyte)).ToArray();
        var order = Enumerable.Range(0, bytes.Length).OrderByDescending(i => bytes[i] / Mebibyte - parts[i]).ToArray();
        for (var k = 0; parts.Sum() < total; k++) parts[order[k % order.Length]]++;
        return parts;
    }

    private static double Strings(DatasetShape? shape) => shape is null ? 0 : 2.0 * shape.Bytes + 32.0 * shape.Rows;

    private static double Parse(DatasetShape? shape, double row) => shape switch
    {
        null => 0,
        { IsText: true } => shape.Bytes + Strings(shape),
        _ => shape.Bytes + 3 * shape.Rows * row,
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Mib(long bytes) => Math.Ceiling(bytes / (1024.0 * 1024.0)).ToString("N0", CultureInfo.InvariantCulture);

    private static long Saturate(double value) => value >= long.MaxValue ? long.MaxValue : (long)Math.Ceiling(value);
}
