using Llm.Finetune.Training;

namespace Llm.Api.Cli;

/// <summary>Draws training (and validation) loss per epoch with ScottPlot and saves it as a PNG.</summary>
public static class LossPlot
{
    public static void Save(IReadOnlyList<EpochReport> history, string path, string title, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(history);
        var plot = new ScottPlot.Plot();
        double[] epochs = [.. history.Select(r => (double)r.Epoch)];
        var train = plot.Add.Scatter(epochs, history.Select(r => r.TrainLoss).ToArray());
        train.LegendText = "training loss";
        if (history.All(r => r.ValidationLoss is not null))
        {
            var validation = plot.Add.Scatter(epochs, history.Select(r => r.ValidationLoss!.Value).ToArray());
            validation.LegendText = "validation loss";
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.ShowLegend();
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        plot.SavePng(path, width, height);
    }
}
