using Llm.Finetune.Adapters;
using Llm.Finetune.Data;
using Llm.Finetune.Models;
using Llm.Finetune.Training;

namespace Llm.Finetune.Tests.Training;

public class FineTunerTests
{
    /// <summary>Fake base model: sentiment words push the first two dimensions apart, the rest is hashed noise.</summary>
    private static Task<float[][]> Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        Task.FromResult(texts.Select(t =>
        {
            var random = new Random(t.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
            return new[]
            {
                t.Contains("great") ? 1f : 0f,
                t.Contains("awful") ? 1f : 0f,
                (float)random.NextDouble(),
                (float)random.NextDouble(),
            };
        }).ToArray());

    [Fact]
    public async Task TextPipelineProducesAUsableAdapter()
    {
        string[] subjects = ["film", "meal", "hotel", "book", "song", "game", "car", "phone", "show", "trip"];
        var texts = new List<string>();
        var labels = new List<int>();
        for (int i = 0; i < 60; i++)
        {
            bool positive = i % 2 == 0;
            texts.Add($"the {subjects[i % subjects.Length]} #{i} was {(positive ? "great" : "awful")}");
            labels.Add(positive ? 1 : 0);
        }

        var data = JsonlDatasetReader.Read(new StringReader(string.Join('\n',
            texts.Select((t, i) => $"{{\"text\":\"{t}\",\"label\":\"{(labels[i] == 1 ? "positive" : "negative")}\"}}"))));
        var options = new FineTuneOptions
        {
            Model = ModelKind.Mlp,
            HiddenLayers = [8],
            BaseModelId = "fake-embedder",
            Training = new TrainingOptions { Epochs = 40, BatchSize = 8, LearningRate = 0.02f, Seed = 3 },
        };
        var reports = new List<EpochReport>();
        FineTuneResult result = await FineTuner.TrainAsync(data, options, Embed, new Progress(reports.Add));

        Assert.Equal(result.Training.EpochsRun, reports.Count);
        Assert.Equal("fake-embedder", result.Adapter.Metadata.BaseModelId);
        Assert.Equal(48, result.Adapter.Metadata.TrainingRows);
        Assert.Equal(12, result.Adapter.Metadata.ValidationRows);
        Assert.True(result.Adapter.Metadata.Metrics["validation_accuracy"] >= 0.99);

        string path = Path.Combine(Path.GetTempPath(), $"finetuner-{Guid.NewGuid():N}.adapter");
        try
        {
            result.Adapter.Save(path);
            Adapter loaded = Adapter.Load(path);
            loaded.EnsureCompatible("fake-embedder");
            Prediction[] predictions = await loaded.PredictTextAsync(["the pizza was great", "the pizza was awful"], Embed);
            Assert.Equal(["positive", "negative"], predictions.Select(p => p.Label));
            Assert.True(predictions[0].Confidence > 0.5f);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task NumericRegressionUsesLinearModelByDefault()
    {
        var (data, _, _) = Synthetic.Linear(200, 3, seed: 8);
        var options = new FineTuneOptions { Training = new TrainingOptions { Epochs = 60, LearningRate = 0.05f } };
        FineTuneResult result = await FineTuner.TrainAsync(data, options);
        Assert.IsType<LinearRegression>(result.Adapter.Model);
        Assert.Null(result.Adapter.Metadata.BaseModelId);
        Assert.True(result.Training.Best.ValidationLoss < 0.05, $"validation MSE {result.Training.Best.ValidationLoss}");
    }

    [Fact]
    public async Task IncompatibleChoicesAreRejected()
    {
        Dataset labelled = Synthetic.Blobs(20, 2, 2, seed: 1);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            FineTuner.TrainAsync(labelled, new FineTuneOptions { Model = ModelKind.LinearRegression }));
        var text = TextDataset.ForClassification(["a", "b"], [0, 1], ["x", "y"]);
        await Assert.ThrowsAsync<ArgumentException>(() => FineTuner.TrainAsync(text, new FineTuneOptions()));
    }

    private sealed class Progress(Action<EpochReport> action) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => action(value);
    }
}
