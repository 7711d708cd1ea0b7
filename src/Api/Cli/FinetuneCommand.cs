using System.Globalization;
using Llm.Api.FineTuning;
using Llm.Api.Hosting;
using Llm.Finetune.Adapters;
using Llm.Finetune.Data;
using Llm.Finetune.Training;
using Llm.Runtime.Hosting;
using Llm.Runtime.Models;
using Llm.Runtime.Models.Demo;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Api.Cli;

/// <summary><c>llm finetune</c>: trains an adapter from a local file, shows progress, prints metrics and plots the loss curves.</summary>
public static class FinetuneCommand
{
    /// <summary>Runs the command; returns 0 on success, 2 for usage errors and 1 when the data or training fails.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        FinetuneArguments? options;
        try
        {
            options = FinetuneArguments.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"llm finetune: {ex.Message}");
            return 2;
        }
        if (options is null)
        {
            await output.WriteLineAsync(FinetuneArguments.Usage);
            return 0;
        }

        ModelHost? host = null;
        try
        {
            var training = DatasetReader.ReadFile(options.File);
            var validation = options.ValidationFile is null ? null : DatasetReader.ReadFile(options.ValidationFile);
            if (training is TextDataset && options.Model is null) throw new InvalidDataException("The data holds text; pass --model demo or --model PATH to embed it.");
            if (training is TextDataset) host = LoadModel(options);
            await output.WriteLineAsync($"Training on {training.Count} rows of {options.File}" + (host is null ? "" : $" (embedded by {options.Plan.BaseModelId})") + ".");

            var progress = new ProgressBar(output, interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
            var result = await AdapterTraining.TrainAsync(training, validation, options.Plan, host is null ? null : ModelEmbedder.For(host), progress, cancellationToken);
            progress.Finish();
            result.Adapter.Save(options.Out);
            LossPlot.Save(result.Training.History, options.Plot, $"{result.Adapter.Model.Kind} on {Path.GetFileName(options.File)}");
            await PrintAsync(output, result, options);
            return 0;
        }
        catch (Exception ex) when (ex is DatasetFormatException or InvalidDataException or IOException or ArgumentException or InvalidOperationException
            or NotSupportedException or ModelLoadException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"llm finetune: {ex.Message}");
            return 1;
        }
        finally
        {
            host?.Dispose();
        }
    }

    private static ModelHost LoadModel(FinetuneArguments options)
    {
        NativeBackend.EnsureConfigured(NullLoggerFactory.Instance);
        var path = options.Model == DemoModel.Name
            ? DemoModel.EnsureBuilt(ModelCatalog.CacheDirectory(new ServerOptions { CacheDirectory = options.CacheDirectory }))
            : options.Model!;
        return ModelHost.Load(new ModelSettings { Name = options.Plan.BaseModelId!, Path = path, Parallel = 1 }, NullLoggerFactory.Instance);
    }

    private static async Task PrintAsync(TextWriter output, FineTuneResult result, FinetuneArguments options)
    {
        var run = result.Training;
        var metadata = result.Adapter.Metadata;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{result.Adapter.Model.Kind}: {run.EpochsRun} epochs in {run.Elapsed.TotalSeconds:F2} s, kept epoch {run.BestEpoch}{(run.StoppedEarly ? " (stopped early)" : "")}; {metadata.TrainingRows} training and {metadata.ValidationRows} validation rows."));
        foreach (var (name, value) in metadata.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {name,-20} {value:F4}"));
        await output.WriteLineAsync($"Adapter: {Path.GetFullPath(options.Out)}");
        await output.WriteLineAsync($"Loss plot: {Path.GetFullPath(options.Plot)}");
    }
}
