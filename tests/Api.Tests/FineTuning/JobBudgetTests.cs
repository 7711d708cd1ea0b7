using Llm.Api.Contracts.FineTuning;
using Llm.Api.FineTuning;
using Llm.Finetune.Data;

namespace Llm.Api.Tests.FineTuning;

/// <summary>The job estimate and which hyper-parameter a refusal names, for each part that can dominate.</summary>
public sealed class JobBudgetTests
{
    private const string Prefix = "method.mlp.hyperparameters";
    private static readonly JobLimits NoLimits = new(0, 0, 0);

    private static ResolvedHyperparameters Mlp(int batch, params int[] hidden) => new(0.01, 1, batch, 0, "adam", hidden, "relu", 0);

    private static ResolvedHyperparameters Linear(int batch = 32) => new(0.01, 1, batch, 0, "adam", null, null, 0);

    private static DatasetShape Numeric(int rows, int features, int classes = 2) =>
        new(rows, features, classes, classes == 0 ? ProblemKind.Regression : ProblemKind.Classification, false, rows * (features + 1) * 4L);

    [Fact]
    public void TheParameterLimitIsExactAndNamesHiddenLayersForAnMlp()
    {
        // 10 features, hidden h, one sigmoid output: (10 + 1) * h + (h + 1) = 12h + 1 parameters.
        var limits = new JobLimits(1000, 0, 0);
        var under = JobBudget.Estimate(Numeric(100, 10), null, 10, "mlp", Mlp(32, 83));
        var over = JobBudget.Estimate(Numeric(100, 10), null, 10, "mlp", Mlp(32, 84));
        Assert.Equal(997, under.ParameterCount);
        Assert.Equal(1009, over.ParameterCount);
        Assert.Null(JobBudget.Check(under, limits, "mlp", Prefix, false));
        var violation = JobBudget.Check(over, limits, "mlp", Prefix, false)!;
        Assert.Equal($"{Prefix}.hidden_layers", violation.Param);
        Assert.Equal("too_many_parameters", violation.Code);
        Assert.Contains("1,009", violation.Message);
        Assert.Contains("--max-adapter-parameters", violation.Message);
    }

    [Theory]
    [InlineData(2000, 2, 2001)]   // wide rows: 2000 features + bias, one sigmoid unit
    [InlineData(3, 500, 2000)]    // many classes: (3 + 1) * 500 softmax units
    public void ALinearModelOverTheLimitNamesTheTrainingFile(int features, int classes, long parameters)
    {
        var estimate = JobBudget.Estimate(Numeric(50, features, classes), null, features, "logistic", Linear());
        Assert.Equal(parameters, estimate.ParameterCount);
        var violation = JobBudget.Check(estimate, new JobLimits(parameters - 1, 0, 0), "logistic", "method.logistic.hyperparameters", false)!;
        Assert.Equal("training_file", violation.Param);
        Assert.Null(JobBudget.Check(estimate, new JobLimits(parameters, 0, 0), "logistic", "method.logistic.hyperparameters", false));
    }

    [Fact]
    public void TheMemoryRefusalNamesThePartThatDominates()
    {
        var limits = new JobLimits(0, 16L << 20, 0);
        // Rows: 400,000 rows of 10 features.
        var rows = JobBudget.Estimate(Numeric(400_000, 10), null, 10, "mlp", Mlp(32, 8));
        // Weights: 2 x 2048 hidden units (4.2 M parameters, Adam).
        var weights = JobBudget.Estimate(Numeric(200, 10), null, 10, "mlp", Mlp(32, 2048, 2048));
        // Activations: mini-batches of 2,000 rows through 4,096 units.
        var activations = JobBudget.Estimate(Numeric(2_000, 2), null, 2, "mlp", Mlp(2_000, 4096));
        Assert.Equal("training_file", JobBudget.Check(rows, limits, "mlp", Prefix, false)?.Param);
        Assert.Equal($"{Prefix}.hidden_layers", JobBudget.Check(weights, limits, "mlp", Prefix, false)?.Param);
        var batch = JobBudget.Check(activations, limits, "mlp", Prefix, false)!;
        Assert.Equal($"{Prefix}.batch_size", batch.Param);
        Assert.Equal("job_memory_exceeded", batch.Code);
        Assert.Contains("--max-job-memory-mb", batch.Message);
        Assert.Contains("MiB", batch.Message);
        // Each fits without the limit, and a smaller batch fits under it.
        Assert.Null(JobBudget.Check(activations, NoLimits, "mlp", Prefix, false));
        Assert.Null(JobBudget.Check(JobBudget.Estimate(Numeric(2_000, 2), null, 2, "mlp", Mlp(32, 4096)), limits, "mlp", Prefix, false));
    }

    [Fact]
    public void TheEstimateGrowsWithEveryShapeThatCostsMemory()
    {
        // While training; parsing (which can be the peak) depends on the file alone.
        long Peak(DatasetShape shape, int features, ResolvedHyperparameters h, DatasetShape? validation = null) =>
            JobBudget.Estimate(shape, validation, features, "mlp", h).TrainingPhaseBytes;
        var baseline = Peak(Numeric(10_000, 20), 20, Mlp(32, 64));
        Assert.True(Peak(Numeric(20_000, 20), 20, Mlp(32, 64)) > baseline);
        Assert.True(Peak(Numeric(10_000, 40), 40, Mlp(32, 64)) > baseline);
        Assert.True(Peak(Numeric(10_000, 20), 20, Mlp(32, 128)) > baseline);
        Assert.True(Peak(Numeric(10_000, 20), 20, Mlp(512, 64)) > baseline);
        Assert.True(Peak(Numeric(10_000, 20), 20, Mlp(32, 64), Numeric(5_000, 20)) > baseline);
        // Text rows are as wide as the model's embeddings.
        var text = new DatasetShape(10_000, 0, 2, ProblemKind.Classification, true, 400_000);
        Assert.True(Peak(text, 4096, Mlp(32, 64)) > Peak(text, 512, Mlp(32, 64)));
        // Early stopping without a validation file holds out a copy of the rows.
        var stopping = new ResolvedHyperparameters(0.01, 1, 32, 0, "adam", [64], "relu", 5);
        Assert.True(Peak(Numeric(10_000, 20), 20, stopping) > baseline);
        // SGD keeps no state per parameter, Adam three vectors.
        var sgd = new ResolvedHyperparameters(0.01, 1, 32, 0, "sgd", [1024, 1024], "relu", 0);
        Assert.True(Peak(Numeric(100, 20), 20, sgd) < Peak(Numeric(100, 20), 20, Mlp(32, 1024, 1024)));
    }

    [Theory]
    [InlineData(400_000, 10, 32, 8)]
    [InlineData(200, 10, 32, 2048)]
    [InlineData(2_000, 2, 2_000, 4096)]
    [InlineData(150_000, 30, 700, 1500)]
    [InlineData(33_333, 7, 333, 777)]
    public void TheMemoryRefusalsPartsAddUpToItsTotal(int rows, int features, int batch, int hidden)
    {
        var estimate = JobBudget.Estimate(Numeric(rows, features), null, features, "mlp", Mlp(batch, hidden, hidden));
        var violation = JobBudget.Check(estimate, new JobLimits(0, 1L << 20, 0), "mlp", Prefix, false)!;
        var numbers = System.Text.RegularExpressions.Regex.Matches(violation.Message, @"([\d,]+) MiB").Select(m => long.Parse(m.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var total = (long)Math.Ceiling(estimate.PeakBytes / (1024.0 * 1024.0));
        Assert.Equal(total, numbers[0]);
        if (estimate.ParseBytes >= estimate.TrainingPhaseBytes)
        {
            Assert.Contains("while its files are parsed", violation.Message, StringComparison.Ordinal);
            return;
        }
        // total, rows, weights, activations, then the limit.
        Assert.Equal(5, numbers.Length);
        Assert.Equal(numbers[0], numbers[1] + numbers[2] + numbers[3]);
    }

    [Fact]
    public void PartsRoundToTheirTotal()
    {
        const long Mib = 1L << 20;
        Assert.Equal([1L, 1, 1], JobBudget.MibParts([Mib / 3 * 2 + 1, Mib / 3 * 2 + 1, Mib / 3 * 2 + 1]));
        // Exactly 2 MiB in three parts: two of them get one each, the largest remainders.
        Assert.Equal([1L, 0, 1], JobBudget.MibParts([Mib / 3 * 2, Mib / 3 * 2, Mib / 3 * 2 + 2]));
        Assert.Equal([25L, 580, 141], JobBudget.MibParts([(long)(25.4 * Mib), (long)(579.6 * Mib), (long)(140.9 * Mib)]));
        Assert.Equal([0L, 0, 1], JobBudget.MibParts([10, 10, 20]));
        Assert.Equal([5L, 0, 0], JobBudget.MibParts([5 * Mib, 0, 0]));
    }
}
