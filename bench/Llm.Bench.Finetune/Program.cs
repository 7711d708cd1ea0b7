using System.Globalization;
using System.Text.Json;
using Llm.Bench.Finetune;
using Llm.Finetune.Data;
using Llm.Finetune.Models;
using Llm.Finetune.Training;

// Trains the reference tasks of the Finetune issue and prints accuracy and fit time next to scikit-learn's.
// --sklearn runs scikit-learn on this machine too (same splits: it also supplies the test rows); without it
// the issue's published figures are shown and the split is our own stratified 25% (seed 0).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var runSklearn = args.Contains("--sklearn");
var folder = args.SkipWhile(a => a != "--data").Skip(1).FirstOrDefault() ?? BenchData.SklearnData;
if (!File.Exists(Path.Combine(folder, "breast_cancer.csv")))
{
    Console.Error.WriteLine($"Datasets not found in {folder}; run bench/finetune/setup.sh (installs python3-sklearn) or pass --data DIR.");
    return 1;
}

JsonElement? sk = null;
if (runSklearn)
{
    Console.WriteLine("Running scikit-learn baseline (same machine)...");
    sk = SklearnBaseline.Run(Path.Combine(AppContext.BaseDirectory, "sklearn_baseline.py"));
}

var rows = new List<string[]>();
void Report(string task, string key, double ours, double seconds, double cpuSeconds, double refAccuracy, double refSeconds, string target)
{
    double skAcc = refAccuracy, skTime = refSeconds;
    if (sk is { } s && s.TryGetProperty(key, out var m))
    {
        skAcc = m.GetProperty("accuracy").GetDouble();
        skTime = m.GetProperty("seconds").GetDouble();
    }
    rows.Add([task, $"{ours:F3}", $"{skAcc:F3}", $"{ours - skAcc:+0.000;-0.000}", $"{seconds:F3}", $"{cpuSeconds:F3}", $"{skTime:F3}", double.IsNaN(skTime) ? "-" : $"{skTime / seconds:F1}x", target]);
}

int[]? Test(string key) => sk is { } s && s.TryGetProperty(key, out var t) ? t.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null;

var cancer = BenchData.BreastCancer(folder);
var (cancerTrain, cancerTest) = Tasks.Split(cancer, Test("breast_cancer_test"));
var l2Cancer = 1f / cancerTrain.Count; // scikit-learn's C = 1 as a per-row penalty
var r = Tasks.Run(cancerTrain, cancerTest, new LogisticRegression(30, 2), new TrainingOptions { Epochs = 100, BatchSize = 32, LearningRate = 0.01f, L2 = l2Cancer });
Report("breast cancer, logistic", "breast_cancer_logistic", r.Accuracy, r.Seconds, r.CpuSeconds, 0.958, 0.004, "within 1 pt");
r = Tasks.Run(cancerTrain, cancerTest, Mlp.Classifier(30, [32], 2, Activation.Relu, 0), new TrainingOptions { Epochs = 100, BatchSize = 32, LearningRate = 0.001f, L2 = 1e-4f });
Report("breast cancer, MLP(32)", "breast_cancer_mlp32", r.Accuracy, r.Seconds, r.CpuSeconds, 0.958, double.NaN, "-");

var digits = BenchData.Digits(folder);
var (digitsTrain, digitsTest) = Tasks.Split(digits, Test("digits_test"));
r = Tasks.Run(digitsTrain, digitsTest, new LogisticRegression(64, 10), new TrainingOptions { Epochs = 100, BatchSize = 32, LearningRate = 0.01f, L2 = 1f / digitsTrain.Count });
Report("digits, softmax", "digits_softmax", r.Accuracy, r.Seconds, r.CpuSeconds, 0.969, 0.25, "within 1 pt");
r = Tasks.Run(digitsTrain, digitsTest, Mlp.Classifier(64, [64], 10, Activation.Relu, 0), new TrainingOptions { Epochs = 100, BatchSize = 32, LearningRate = 0.001f, L2 = 1e-4f });
Report("digits, MLP(64)", "digits_mlp64", r.Accuracy, r.Seconds, r.CpuSeconds, 0.978, 4.6, "within 1 pt");

var synthetic = BenchData.Synthetic(100_000, 64, 4, seed: 0);
r = Tasks.Run(synthetic, synthetic, Mlp.Classifier(64, [128], 4, Activation.Relu, 0), new TrainingOptions { Epochs = 10, BatchSize = 256, LearningRate = 0.001f });
Report("100k x 64, MLP(128), 10 ep", "synthetic_mlp128", r.Accuracy, r.Seconds, r.CpuSeconds, double.NaN, 17.2, ">= 5x faster");

var xor = Tasks.Xor(400);
r = Tasks.Run(xor, xor, new LogisticRegression(2, 2), new TrainingOptions { Epochs = 200, LearningRate = 0.05f });
Report("XOR, logistic", "-", r.Accuracy, r.Seconds, r.CpuSeconds, 0.5, double.NaN, "cannot learn");
r = Tasks.Run(xor, xor, Mlp.Classifier(2, [4], 2, Activation.Tanh, 0), new TrainingOptions { Epochs = 400, LearningRate = 0.05f });
Report("XOR, MLP(4, tanh)", "-", r.Accuracy, r.Seconds, r.CpuSeconds, 1.0, double.NaN, "1.0");

string[] header = ["task", "accuracy", "sklearn", "diff", "fit s", "cpu s", "sklearn s", "speed-up", "target"];
var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(row => row[i].Length))).ToArray();
Console.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))));
foreach (var row in rows) Console.WriteLine(string.Join("  ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
Console.WriteLine($"load average {Tasks.LoadAverage()} on {Environment.ProcessorCount} cores; speed-up is sklearn s / fit s (wall clock).");
Console.WriteLine(sk is null ? "sklearn columns: the issue's published figures (scikit-learn 1.2, 2 cores); run with --sklearn to measure here."
    : $"sklearn columns: scikit-learn {sk.Value.GetProperty("sklearn").GetString()} measured on this machine, same test rows.");
return 0;
