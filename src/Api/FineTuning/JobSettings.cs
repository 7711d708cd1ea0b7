using Llm.Api.Contracts.FineTuning;
using Llm.Api.Errors;
using Llm.Finetune.Data;
using Llm.Finetune.Models;
using Llm.Finetune.Optimization;
using Llm.Finetune.Training;

namespace Llm.Api.FineTuning;

/// <summary>
/// Turns a job request's method and hyper-parameters into resolved values (defaults applied, every bad value a
/// 400 naming its parameter), and a stored job back into a <see cref="TrainingPlan"/>.
/// </summary>
public static class JobSettings
{
    public const int DefaultEpochs = 20;
    public const int DefaultBatchSize = 32;
    public const double DefaultLearningRate = 0.01;
    public const int DefaultPatience = 5;
    public static readonly IReadOnlyList<int> DefaultHiddenLayers = [64];

    /// <summary>Share of training rows held out when early stopping is asked for without a validation file.</summary>
    public const double EarlyStoppingHoldOut = 0.2;

    /// <summary>Resolves the method; without one (or with OpenAI's <c>supervised</c>) the data decides: logistic for labels, linear for targets.</summary>
    public static JobMethod ResolveMethod(FineTuningJobRequest request, ProblemKind kind) => ResolveMethod(request, kind, out _);

    /// <summary>Resolves the method as <see cref="ResolveMethod(FineTuningJobRequest, ProblemKind)"/> does.</summary>
    /// <param name="request">The job request.</param>
    /// <param name="kind">What the training file holds.</param>
    /// <param name="prefix">Where the request put the hyper-parameters (<c>method.mlp.hyperparameters</c>, <c>hyperparameters</c>), for errors naming one.</param>
    public static JobMethod ResolveMethod(FineTuningJobRequest request, ProblemKind kind, out string prefix)
    {
        var method = request.Method;
        var type = method is null ? "auto" : method.Type ?? throw OpenAiException.InvalidRequest("Missing required parameter: 'method.type'.", "method.type");
        var block = type switch
        {
            "linear" => method!.Linear,
            "logistic" => method!.Logistic,
            "mlp" => method!.Mlp,
            "supervised" => method!.Supervised,
            "auto" => null,
            "dpo" or "reinforcement" => throw OpenAiException.Unsupported("method.type", $"Method '{type}'"),
            _ => throw OpenAiException.OutOfRange("method.type", "must be 'linear', 'logistic' or 'mlp'"),
        };
        prefix = method is null ? "hyperparameters" : $"method.{type}.hyperparameters";
        var requested = block?.Hyperparameters ?? request.Hyperparameters;
        if (block?.Hyperparameters is null && request.Hyperparameters is not null) prefix = "hyperparameters";
        if (type is "auto" or "supervised") type = kind == ProblemKind.Classification ? "logistic" : "linear";
        if (type == "linear" && kind == ProblemKind.Classification)
            throw OpenAiException.InvalidRequest("The training file has labels; 'linear' fits regression targets. Use 'logistic' or 'mlp'.", "method.type");
        if (type == "logistic" && kind == ProblemKind.Regression)
            throw OpenAiException.InvalidRequest("The training file has regression targets; 'logistic' needs labels. Use 'linear' or 'mlp'.", "method.type");

        var resolved = Resolve(requested, type == "mlp", prefix);
        var wrapped = new JobMethodBlock(resolved);
        return new JobMethod(type, type == "linear" ? wrapped : null, type == "logistic" ? wrapped : null, type == "mlp" ? wrapped : null);
    }

    /// <summary>The plan a stored job trains with.</summary>
    public static TrainingPlan ToPlan(FineTuningJob job)
    {
        var h = job.Hyperparameters;
        var kind = job.Method.Type switch
        {
            "linear" => ModelKind.LinearRegression,
            "logistic" => ModelKind.LogisticRegression,
            _ => ModelKind.Mlp,
        };
        var training = new TrainingOptions
        {
            Epochs = h.NEpochs,
            BatchSize = h.BatchSize,
            LearningRate = (float)h.LearningRate,
            L2 = (float)h.L2,
            Optimizer = Enum.Parse<OptimizerKind>(h.Optimizer, ignoreCase: true),
            Seed = job.Seed,
            EarlyStoppingPatience = h.EarlyStopping,
        };
        var activation = Enum.Parse<Activation>(h.Activation ?? "relu", ignoreCase: true);
        var holdOut = job.ValidationFile is null && h.EarlyStopping > 0 ? EarlyStoppingHoldOut : 0;
        return new TrainingPlan(kind, h.HiddenLayers ?? DefaultHiddenLayers, activation, training, holdOut, job.Model);
    }

    private static ResolvedHyperparameters Resolve(HyperparametersRequest? h, bool mlp, string prefix)
    {
        string P(string name) => $"{prefix}.{name}";
        var epochs = Integer(h?.NEpochs, P("n_epochs"), DefaultEpochs, 1, 100_000);
        var batch = Integer(h?.BatchSize, P("batch_size"), DefaultBatchSize, 1, 1 << 16);
        var rate = Number(h?.LearningRate, P("learning_rate"), DefaultLearningRate, positive: true, max: 100);
        rate *= Number(h?.LearningRateMultiplier, P("learning_rate_multiplier"), 1, positive: true, max: 1000);
        var l2 = Number(h?.L2, P("l2"), 0, positive: false, max: 1000);
        var optimizer = (h?.Optimizer ?? "adam").ToLowerInvariant() is var o && o is "sgd" or "momentum" or "adam" ? o
            : throw OpenAiException.OutOfRange(P("optimizer"), "must be 'sgd', 'momentum' or 'adam'");
        var patience = h?.EarlyStopping switch
        {
            null => 0,
            { IsAuto: true } => 0,
            { Flag: { } flag } => flag ? DefaultPatience : 0,
            var value => Integer(value, P("early_stopping"), 0, 0, 100_000),
        };
        if (!mlp && h?.HiddenLayers is not null) throw OpenAiException.InvalidRequest("'hidden_layers' applies to the 'mlp' method only.", P("hidden_layers"));
        if (!mlp && h?.Activation is not null) throw OpenAiException.InvalidRequest("'activation' applies to the 'mlp' method only.", P("activation"));
        IReadOnlyList<int>? layers = null;
        string? activation = null;
        if (mlp)
        {
            layers = h?.HiddenLayers ?? DefaultHiddenLayers;
            if (layers.Count is < 1 or > 16 || layers.Any(size => size is < 1 or > 4096))
                throw OpenAiException.OutOfRange(P("hidden_layers"), "must list 1 to 16 layer sizes, each from 1 to 4096");
            activation = (h?.Activation ?? "relu").ToLowerInvariant() is var a && a is "relu" or "tanh" or "sigmoid" ? a
                : throw OpenAiException.OutOfRange(P("activation"), "must be 'relu', 'tanh' or 'sigmoid'");
        }
        return new ResolvedHyperparameters(rate, epochs, batch, l2, optimizer, layers, activation, patience);
    }

    private static int Integer(HyperparameterValue? value, string param, int fallback, int min, int max)
    {
        if (value is not { } v || v.IsAuto) return fallback;
        if (v.Number is not { } n || n != Math.Floor(n) || n < min || n > max)
            throw OpenAiException.OutOfRange(param, $"must be \"auto\" or an integer from {min} to {max}");
        return (int)n;
    }

    private static double Number(HyperparameterValue? value, string param, double fallback, bool positive, double max)
    {
        if (value is not { } v || v.IsAuto) return fallback;
        if (v.Number is not { } n || !double.IsFinite(n) || n < 0 || (positive && n == 0) || n > max)
            throw OpenAiException.OutOfRange(param, $"must be \"auto\" or a {(positive ? "positive" : "non-negative")} number up to {max}");
        return n;
    }
}
