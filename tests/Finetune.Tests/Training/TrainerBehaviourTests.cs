using Llm.Finetune.Data;
using Llm.Finetune.Models;
using Llm.Finetune.Training;

namespace Llm.Finetune.Tests.Training;

public class TrainerBehaviourTests
{
    private sealed class SynchronousProgress(Action<EpochReport> action) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => action(value);
    }

    private static float[] TrainMlp(int modelSeed, int shuffleSeed)
    {
        Dataset data = Synthetic.Blobs(300, 6, 3, seed: 9, spread: 1.5);
        var model = Mlp.Classifier(6, [10, 7], 3, Activation.Tanh, seed: modelSeed);
        new Trainer(new TrainingOptions { Epochs = 5, BatchSize = 16, Seed = shuffleSeed, LearningRate = 0.01f }).Train(model, data);
        return model.Parameters.ToArray();
    }

    [Fact]
    public void SameSeedsGiveIdenticalWeights()
    {
        Assert.Equal(TrainMlp(1, 2), TrainMlp(1, 2));
        Assert.NotEqual(TrainMlp(1, 2), TrainMlp(1, 3));
        Assert.NotEqual(TrainMlp(1, 2), TrainMlp(4, 2));
    }

    [Fact]
    public void EarlyStoppingTriggersAndRestoresBestWeights()
    {
        // Validation labels are unrelated to the features, so fitting the training rows soon hurts validation loss.
        Dataset train = Synthetic.Blobs(60, 10, 2, seed: 1, spread: 3.0);
        var random = new Random(5);
        Dataset noise = Synthetic.Blobs(60, 10, 2, seed: 1, spread: 3.0);
        int[] shuffled = noise.Labels.ToArray().OrderBy(_ => random.Next()).ToArray();
        Dataset validation = Dataset.ForClassification(noise.Features.ToArray(), 10, shuffled, noise.LabelNames);

        var model = Mlp.Classifier(10, [64], 2, Activation.Relu, seed: 3);
        var options = new TrainingOptions { Epochs = 500, BatchSize = 8, LearningRate = 0.01f, EarlyStoppingPatience = 4 };
        TrainingResult result = new Trainer(options).Train(model, train, validation);

        Assert.True(result.StoppedEarly);
        Assert.True(result.EpochsRun < 500);
        Assert.Equal(result.EpochsRun - options.EarlyStoppingPatience, result.BestEpoch);
        double best = result.History.Min(r => r.ValidationLoss!.Value);
        Assert.Equal(best, result.Best.ValidationLoss);

        // The model must hold the best epoch's weights, not the last epoch's.
        float[] features = validation.Features.ToArray();
        result.Standardizer!.Transform(features);
        float restored = model.ComputeLoss(features, validation.Labels.ToArray().Select(l => (float)l).ToArray(), validation.Count);
        Assert.Equal(best, restored, 1e-4);
        Assert.NotEqual(result.History[^1].ValidationLoss!.Value, restored, 1e-4);
    }

    [Fact]
    public void ProgressAndEventReportEveryEpoch()
    {
        Dataset data = Synthetic.Blobs(100, 3, 2, seed: 1);
        var (train, validation) = DatasetSplitter.Split(data, 0.2, seed: 1);
        var trainer = new Trainer(new TrainingOptions { Epochs = 4, LearningRate = 0.05f });
        var events = new List<EpochReport>();
        var progress = new List<EpochReport>();
        trainer.EpochCompleted += (_, report) => events.Add(report);
        trainer.Train(new LogisticRegression(3, 2), train, validation, new SynchronousProgress(progress.Add));

        Assert.Equal([1, 2, 3, 4], events.Select(e => e.Epoch));
        Assert.Equal(events, progress);
        Assert.All(events, e =>
        {
            Assert.Equal(4, e.TotalEpochs);
            Assert.True(e.TrainLoss > 0 && e.ValidationLoss > 0);
            Assert.InRange(e.ValidationAccuracy!.Value, 0, 1);
            Assert.InRange(e.TrainAccuracy!.Value, 0, 1);
        });
    }

    [Fact]
    public void RegressionReportsNoAccuracy()
    {
        var (data, _, _) = Synthetic.Linear(50, 2, seed: 1);
        TrainingResult result = new Trainer(new TrainingOptions { Epochs = 2 }).Train(new LinearRegression(2), data, data);
        Assert.All(result.History, e => Assert.Null(e.ValidationAccuracy));
        Assert.All(result.History, e => Assert.Null(e.TrainAccuracy));
    }

    [Fact]
    public void CancellationStopsTraining()
    {
        Dataset data = Synthetic.Blobs(200, 4, 2, seed: 1);
        using var cancellation = new CancellationTokenSource();
        var trainer = new Trainer(new TrainingOptions { Epochs = 1000 });
        int epochs = 0;
        trainer.EpochCompleted += (_, report) =>
        {
            epochs = report.Epoch;
            if (report.Epoch == 2)
            {
                cancellation.Cancel();
            }
        };

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(new LogisticRegression(4, 2), data, cancellationToken: cancellation.Token));
        Assert.Equal(2, epochs);
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(new LogisticRegression(4, 2), data, cancellationToken: cancellation.Token));
    }

    [Fact]
    public void DivergenceIsReported()
    {
        var (data, _, _) = Synthetic.Linear(50, 3, seed: 1);
        var options = new TrainingOptions { Epochs = 200, Optimizer = Optimization.OptimizerKind.Sgd, LearningRate = 50f, Standardize = false };
        var error = Assert.Throws<InvalidOperationException>(() => new Trainer(options).Train(new LinearRegression(3), data));
        Assert.Contains("diverged", error.Message);
    }
}
