using System.Diagnostics;
using Llm.Finetune.Adapters;
using Llm.Finetune.Data;
using Llm.Finetune.Models;
using Llm.Finetune.Training;

namespace Llm.Bench.Finetune;

/// <summary>Splits, trains and scores one task.</summary>
public static class Tasks
{
    /// <summary>The given test rows (scikit-learn's split) or our own stratified 25% split with seed 0.</summary>
    public static (Dataset Train, Dataset Test) Split(Dataset data, int[]? testRows)
    {
        if (testRows is null) return DatasetSplitter.Split(data, 0.25, seed: 0);
        var test = new HashSet<int>(testRows);
        return (data.Subset(Enumerable.Range(0, data.Count).Where(i => !test.Contains(i)).ToArray()), data.Subset(testRows));
    }

    /// <summary>
    /// Trains on <paramref name="train"/> (timed, standardisation included) and returns accuracy on <paramref name="test"/>,
    /// wall-clock seconds and the process's CPU seconds (training is single-threaded, so on a busy machine CPU time is
    /// what the run would take on an idle one).
    /// </summary>
    public static (double Accuracy, double Seconds, double CpuSeconds) Run(Dataset train, Dataset test, Model model, TrainingOptions options)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = new Trainer(options).Train(model, train);
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        var adapter = new Adapter(model, result.Standardizer, train.LabelNames, AdapterMetadata.FromTraining(options, result, train.Count, 0));
        var predictions = adapter.PredictBatch(test.Features, test.Count);
        var correct = 0;
        for (var i = 0; i < test.Count; i++) if (predictions[i].Label == test.LabelNames[test.Labels[i]]) correct++;
        return ((double)correct / test.Count, seconds, cpuSeconds);
    }

    /// <summary>The 1-minute load average (Linux), to judge how much the timings were disturbed.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    public static Dataset Xor(int rows)
    {
        var random = new Random(1);
        var x = new float[rows * 2];
        var y = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            x[2 * i] = (float)(random.NextDouble() * 2 - 1);
            x[2 * i + 1] = (float)(random.NextDouble() * 2 - 1);
            y[i] = x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0;
        }
        return Dataset.ForClassification(x, 2, y, ["different", "same"]);
    }
}
