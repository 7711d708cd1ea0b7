using System.Globalization;
using System.Text;
using Llm.Api.Contracts.FineTuning;
using Llm.Api.FineTuning;
using Llm.Finetune.Data;
using Llm.Finetune.Models;
using Llm.Finetune.Optimization;
using Llm.Finetune.Training;
using Xunit.Abstractions;

namespace Llm.Api.Tests.FineTuning;

/// <summary>Runs alone: the measurements are process-wide, and other tests' allocations would blur them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "fine-tuning memory measurement";
}

/// <summary>
/// The job estimate against what the job's own code path (parse the stored bytes, split, train) allocates and holds,
/// on moderate datasets where rows or weights dominate.
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public sealed class JobMemoryMeasurementTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(100_000, 20, new[] { 32 }, 64, 5)]    // rows dominate; early stopping holds out a split copy
    [InlineData(400, 50, new[] { 1024, 1024 }, 32, 0)] // weights and Adam's state dominate
    public async Task TheEstimateIsWithinAFactorOfTheMeasuredPeak(int rows, int features, int[] hidden, int batch, int earlyStopping)
    {
        var content = CompactCsv(rows, features);
        var hyperparameters = new ResolvedHyperparameters(0.001, 1, batch, 0, "adam", hidden, "relu", earlyStopping);

        // GC.GetTotalMemory is process-wide: a fixture of another collection tearing down while this runs frees memory
        // and makes the job look smaller than it is. Such a run is recognised (the heap ends below where it started)
        // and measured again.
        Measurement measurement = default;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            measurement = await MeasureAsync(content, hidden, batch, earlyStopping);
            if (!measurement.Disturbed) break;
            output.WriteLine($"attempt {attempt + 1} disturbed: the heap ended {measurement.Shrink:N0} B below its baseline");
        }
        var (parsed, result, live, allocated, _, _) = measurement;

        var estimate = JobBudget.Estimate(DatasetShape.Of(parsed, content.Length), null, features, "mlp", hyperparameters);
        var figures = $"estimate {estimate.PeakBytes:N0} B (parse {estimate.ParseBytes:N0}, rows {estimate.RowBytes:N0}, trainer {estimate.Training.TotalBytes:N0}); " +
            $"live peak {live:N0} B; allocated {allocated:N0} B";
        output.WriteLine(figures);
        Assert.Equal(result.Adapter.Model.ParameterCount, estimate.ParameterCount);
        Assert.True(live <= estimate.PeakBytes * 1.25, "The job holds more than estimated: " + figures);
        Assert.InRange(live, estimate.TrainingPhaseBytes / 1.25, estimate.TrainingPhaseBytes * 1.25);
        Assert.True(live >= estimate.PeakBytes / 3, "The job holds far less than estimated: " + figures);
        Assert.True(allocated >= estimate.PeakBytes, "The estimate exceeds everything the job allocated: " + figures);
        Assert.True(allocated <= estimate.PeakBytes * 4, "The job allocates far more than estimated: " + figures);
    }

    private readonly record struct Measurement(LabeledDataset Parsed, FineTuneResult Result, long Live, long Allocated, bool Disturbed, long Shrink);

    private static async Task<Measurement> MeasureAsync(byte[] content, int[] hidden, int batch, int earlyStopping)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long live = 0;
        var parsed = DatasetFiles.Parse("measure.csv", content);
        live = Math.Max(live, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        var plan = new TrainingPlan(ModelKind.Mlp, hidden, Activation.Relu,
            new TrainingOptions { Epochs = 1, BatchSize = batch, Optimizer = OptimizerKind.Adam, LearningRate = 0.001f, EarlyStoppingPatience = earlyStopping },
            earlyStopping > 0 ? JobSettings.EarlyStoppingHoldOut : 0, null);
        var progress = new CallbackProgress<EpochReport>(_ => live = Math.Max(live, GC.GetTotalMemory(forceFullCollection: true) - baseline));
        var result = await AdapterTraining.TrainAsync(parsed, null, plan, null, progress);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        GC.KeepAlive(parsed);
        GC.KeepAlive(result);
        // With the job's data still referenced, the heap can only have shrunk below the baseline if something else freed memory.
        var shrink = baseline - GC.GetTotalMemory(forceFullCollection: true);
        return new Measurement(parsed, result, live, allocated, shrink > 1_000_000, shrink);
    }

    // Two decimals a value, like a typical exported table, so the rows rather than the text dominate.
    private static byte[] CompactCsv(int rows, int features)
    {
        var random = new Random(7);
        var text = new StringBuilder(string.Join(',', Enumerable.Range(0, features).Select(i => $"x{i}")) + ",label\n");
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < features; c++) text.Append((random.NextDouble() + (r % 2)).ToString("F2", CultureInfo.InvariantCulture)).Append(',');
            text.Append(r % 2 == 0 ? "low\n" : "high\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
