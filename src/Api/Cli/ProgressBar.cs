using Llm.Finetune.Training;

namespace Llm.Api.Cli;

/// <summary>One console line redrawn after each epoch; plain lines when the output is redirected (logs, CI).</summary>
public sealed class ProgressBar(TextWriter output, bool interactive) : IProgress<EpochReport>
{
    private const int Width = 30;

    public void Report(EpochReport value)
    {
        var filled = (int)Math.Round(Width * (double)value.Epoch / value.TotalEpochs);
        var line = $"[{new string('#', filled)}{new string('.', Width - filled)}] epoch {value.Epoch}/{value.TotalEpochs}"
            + $"  loss {value.TrainLoss:F4}" + (value.ValidationLoss is { } v ? $"  val {v:F4}" : "")
            + ((value.ValidationAccuracy ?? value.TrainAccuracy) is { } a ? $"  acc {a:P1}" : "");
        if (interactive) output.Write("\r" + line.PadRight(Console.IsOutputRedirected ? 0 : Math.Max(0, Console.WindowWidth - 1)));
        else output.WriteLine(line);
    }

    /// <summary>Ends the redrawn line.</summary>
    public void Finish()
    {
        if (interactive) output.WriteLine();
    }
}
