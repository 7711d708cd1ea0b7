using System.Globalization;
using Llm.Api.FineTuning;
using Llm.Finetune.Models;
using Llm.Finetune.Optimization;
using Llm.Finetune.Training;

namespace Llm.Api.Cli;

/// <summary>The options of <c>llm finetune</c>, parsed into a <see cref="TrainingPlan"/> and paths.</summary>
public sealed record FinetuneArguments(string File, string? ValidationFile, string? Model, string Out, string Plot, string? CacheDirectory, TrainingPlan Plan)
{
    public const string Usage = """
        Usage: llm finetune --file DATA --out ADAPTER [options]
          --file PATH               training data: .jsonl ({"features":[..]} or {"text":".."} with "label" or "target") or .csv
          --validation-file PATH    validation data (else --validation-split of the training rows is held out)
          --validation-split F      share of rows held out for validation without a validation file (default 0.2; 0 = none)
          --model demo|PATH         base model that embeds text data (the built-in demo model or a GGUF file)
          --method M                linear | logistic | mlp (default: logistic for labels, linear for targets)
          --epochs N                passes over the data (default 20)
          --batch-size N            rows per step (default 32)
          --learning-rate F         step size (default 0.01)
          --l2 F                    weight decay (default 0)
          --optimizer O             sgd | momentum | adam (default adam)
          --hidden-layers A,B       MLP layer sizes (default 64)
          --activation A            relu | tanh | sigmoid (default relu)
          --early-stopping N        stop after N epochs without validation improvement (default 0 = off)
          --seed N                  shuffle and initialisation seed (default 0)
          --out PATH                where to write the adapter
          --plot PATH               loss curves as PNG (default: the adapter path with .png)
          --cache-dir DIR           where the demo model is built (default ~/.cache/llm)
        """;

    /// <summary>Parses the arguments; null when help was asked for.</summary>
    /// <exception cref="ArgumentException">Unknown or malformed options.</exception>
    public static FinetuneArguments? Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "-h" or "--help") return null;
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            if (i + 1 >= args.Count) throw new ArgumentException($"Option '{args[i]}' needs a value.");
            values[args[i]] = args[++i];
        }
        string? Take(string name) => values.Remove(name, out var value) ? value : null;

        var file = Take("--file") ?? throw new ArgumentException("--file is required.");
        var output = Take("--out") ?? throw new ArgumentException("--out is required.");
        ModelKind? kind = Take("--method") switch
        {
            null => null,
            "linear" => ModelKind.LinearRegression,
            "logistic" => ModelKind.LogisticRegression,
            "mlp" => ModelKind.Mlp,
            var other => throw new ArgumentException($"--method must be linear, logistic or mlp, not '{other}'."),
        };
        var training = new TrainingOptions
        {
            Epochs = Int(Take("--epochs"), "--epochs") ?? JobSettings.DefaultEpochs,
            BatchSize = Int(Take("--batch-size"), "--batch-size") ?? JobSettings.DefaultBatchSize,
            LearningRate = Float(Take("--learning-rate"), "--learning-rate") ?? (float)JobSettings.DefaultLearningRate,
            L2 = Float(Take("--l2"), "--l2") ?? 0,
            Optimizer = Enum<OptimizerKind>(Take("--optimizer"), "--optimizer") ?? OptimizerKind.Adam,
            EarlyStoppingPatience = Int(Take("--early-stopping"), "--early-stopping") ?? 0,
            Seed = Int(Take("--seed"), "--seed") ?? 0,
        };
        var layers = Take("--hidden-layers") is { } text
            ? text.Split(',').Select(part => Int(part, "--hidden-layers") ?? 0).ToArray()
            : [.. JobSettings.DefaultHiddenLayers];
        var activation = Enum<Activation>(Take("--activation"), "--activation") ?? Activation.Relu;
        var validationFile = Take("--validation-file");
        var split = validationFile is null ? Float(Take("--validation-split"), "--validation-split") ?? 0.2f : 0f;
        if (split is < 0 or >= 1) throw new ArgumentException("--validation-split must be at least 0 and below 1.");
        var model = Take("--model");
        var plot = Take("--plot") ?? Path.ChangeExtension(output, ".png");
        var cache = Take("--cache-dir");
        if (values.Count > 0) throw new ArgumentException($"Unknown option '{values.Keys.First()}'. Run 'llm finetune --help' for the options.");
        var plan = new TrainingPlan(kind, layers, activation, training, split, model is null ? null : BaseModelName(model));
        return new FinetuneArguments(file, validationFile, model, output, plot, cache, plan);
    }

    /// <summary>The name a server gives the model (demo, or the file name without .gguf), recorded in text adapters.</summary>
    public static string BaseModelName(string model) => model == "demo" ? model : Hosting.ModelNames.FromPath(model);

    private static int? Int(string? text, string name) => text is null ? null
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"{name} needs an integer, not '{text}'.");

    private static float? Float(string? text, string name) => text is null ? null
        : float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value) ? value
        : throw new ArgumentException($"{name} needs a number, not '{text}'.");

    private static T? Enum<T>(string? text, string name) where T : struct, System.Enum => text is null ? null
        : System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !char.IsDigit(text[0]) ? value
        : throw new ArgumentException($"{name} must be one of {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}, not '{text}'.");
}
