using Llm.Finetune.Data;
using Llm.Finetune.Models;
using Llm.Finetune.Optimization;
using Llm.Finetune.Training;
using Xunit.Abstractions;

namespace Llm.Finetune.Tests.Training;

/// <summary>Measures what training allocates; alone, so other tests' allocations do not blur the process-wide figures.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "memory measurement";
}

/// <summary>The footprint estimate against the real model and the real trainer's allocations.</summary>
[Collection(MemoryMeasurementCollection.Name)]
public sealed class TrainingFootprintTests(ITestOutputHelper output)
{
    private sealed class SynchronousProgress(Action<EpochReport> action) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => action(value);
    }

    public static TheoryData<int[]> Architectures => new()
    {
        new[] { 7, 1 },
        new[] { 7, 5 },
        new[] { 300, 64, 1 },
        new[] { 3, 4096, 128, 9 },
        new[] { 12, 8, 8, 8, 2 },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ParameterCountIsTheModelsOwn(int[] sizes)
    {
        var output = sizes[^1] == 1 ? OutputActivation.Identity : OutputActivation.Softmax;
        Model model = sizes.Length == 2
            ? (output == OutputActivation.Identity ? new LinearRegression(sizes[0]) : new LogisticRegression(sizes[0], sizes[1]))
            : new Mlp(sizes[0], sizes[1..^1], sizes[^1], output);
        Assert.Equal(model.ParameterCount, TrainingFootprint.CountParameters(sizes));
        Assert.Equal(model.ParameterCount, TrainingFootprint.Estimate(sizes, 10, 0, new TrainingOptions()).ParameterCount);
    }

    [Fact]
    public void OutputUnitsMatchTheModelsTheTrainerBuilds()
    {
        Assert.Equal(new LinearRegression(3).OutputCount, TrainingFootprint.OutputUnits(ProblemKind.Regression, 0));
        Assert.Equal(new LogisticRegression(3, 2).OutputCount, TrainingFootprint.OutputUnits(ProblemKind.Classification, 2));
        Assert.Equal(Mlp.Classifier(3, [4], 2).OutputCount, TrainingFootprint.OutputUnits(ProblemKind.Classification, 2));
        Assert.Equal(Mlp.Classifier(3, [4], 17).OutputCount, TrainingFootprint.OutputUnits(ProblemKind.Classification, 17));
    }

    /// <summary>Rows dominate, weights dominate, mini-batch activations dominate.</summary>
    [Theory]
    [InlineData(60_000, 40, new[] { 64 }, 128, OptimizerKind.Adam)]
    [InlineData(300, 64, new[] { 1024, 1024 }, 32, OptimizerKind.Adam)]
    [InlineData(2_500, 8, new[] { 512, 512 }, 2_000, OptimizerKind.Momentum)]
    public void EstimateIsWithinAFactorOfWhatTrainingAllocatesAndHolds(int rows, int features, int[] hidden, int batch, OptimizerKind optimizer)
    {
        Dataset all = Synthetic.Blobs(rows, features, 3, seed: 4);
        var (train, validation) = DatasetSplitter.Split(all, 0.2, seed: 1);
        var options = new TrainingOptions { Epochs = 1, BatchSize = batch, Optimizer = optimizer, LearningRate = 0.001f };
        int[] sizes = [features, .. hidden, 3];
        var estimate = TrainingFootprint.Estimate(sizes, train.Count, validation.Count, options);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long liveDuringTraining = 0;
        var progress = new SynchronousProgress(_ => liveDuringTraining = Math.Max(liveDuringTraining, GC.GetTotalMemory(forceFullCollection: true) - baseline));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var model = Mlp.Classifier(features, hidden, 3, Activation.Relu, seed: 1);
        new Trainer(options).Train(model, train, validation, progress);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(model);

        // Everything the trainer allocates lives for the whole run, so both figures should sit close to the estimate.
        string figures = $"estimate {estimate.TotalBytes:N0} B (data {estimate.DataBytes:N0}, state {estimate.StateBytes:N0}, " +
            $"activations {estimate.ActivationBytes:N0}); allocated {allocated:N0} B; live after an epoch {liveDuringTraining:N0} B";
        output.WriteLine(figures);
        Assert.True(allocated <= estimate.TotalBytes * 1.5, "The estimate is too low: " + figures);
        Assert.True(allocated >= estimate.TotalBytes / 1.5, "The estimate is too high: " + figures);
        Assert.True(liveDuringTraining <= estimate.TotalBytes * 1.5, "Training holds more than estimated: " + figures);
        Assert.True(liveDuringTraining >= estimate.TotalBytes / 3, "Training holds far less than estimated: " + figures);
    }

    [Fact]
    public void MemoryGrowsWithRowsTimesFeaturesNotRowsTimesHiddenWidth()
    {
        const int features = 4, width = 1024;
        long Allocated(int rows)
        {
            Dataset data = Synthetic.Blobs(rows, features, 2, seed: 3);
            var options = new TrainingOptions { Epochs = 1, BatchSize = 64 };
            long before = GC.GetAllocatedBytesForCurrentThread();
            new Trainer(options).Train(Mlp.Classifier(features, [width], 2, seed: 1), data);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Allocated(500);
        long small = Allocated(2_000), large = Allocated(18_000);
        long perRow = (large - small) / 16_000;
        output.WriteLine($"{small:N0} B for 2,000 rows, {large:N0} B for 18,000 rows: {perRow} B a row");
        // Full-batch activations would cost 2 * width * 4 = 8 KiB a row; the trainer's copy of a row is (features + 2) * 4 bytes.
        Assert.True(perRow < 2 * width * sizeof(float) / 20, $"Training allocates {perRow} bytes per extra row.");
        var estimate = TrainingFootprint.Estimate([features, width, 1], 18_000, 0, new TrainingOptions { BatchSize = 64 }).TotalBytes
            - TrainingFootprint.Estimate([features, width, 1], 2_000, 0, new TrainingOptions { BatchSize = 64 }).TotalBytes;
        Assert.InRange(perRow, estimate / 16_000 / 2, estimate / 16_000 * 2);
    }
}
