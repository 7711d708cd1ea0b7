using Llm.Finetune.Adapters;
using Llm.Finetune.Data;
using Llm.Finetune.Models;
using Llm.Finetune.Training;

namespace Llm.Finetune.Tests.Training;

public class ClassificationTrainingTests
{
    private static double TrainAndScore(Model model, Dataset data, TrainingOptions options)
    {
        TrainingResult result = new Trainer(options).Train(model, data);
        return Synthetic.Accuracy(new Adapter(model, result.Standardizer, data.LabelNames, new AdapterMetadata()), data);
    }

    [Fact]
    public void MlpLearnsXorExactly()
    {
        Dataset xor = Synthetic.Xor();
        var model = Mlp.Classifier(2, [4], 2, Activation.Tanh, seed: 1);
        double accuracy = TrainAndScore(model, xor, new TrainingOptions { Epochs = 600, BatchSize = 4, LearningRate = 0.05f, Standardize = false });
        Assert.Equal(1.0, accuracy);
    }

    [Fact]
    public void LogisticRegressionCannotLearnXor()
    {
        Dataset xor = Synthetic.Xor();
        var model = new LogisticRegression(2, 2);
        double accuracy = TrainAndScore(model, xor, new TrainingOptions { Epochs = 600, BatchSize = 4, LearningRate = 0.05f, Standardize = false });
        Assert.True(accuracy <= 0.75, $"accuracy {accuracy}");
    }

    [Fact]
    public void BinaryLogisticRegressionSeparatesBlobs()
    {
        Dataset data = Synthetic.Blobs(600, 5, 2, seed: 2);
        var (train, validation) = DatasetSplitter.Split(data, 0.25, seed: 1);
        var model = new LogisticRegression(5, 2);
        TrainingResult result = new Trainer(new TrainingOptions { Epochs = 30, LearningRate = 0.05f }).Train(model, train, validation);
        Assert.Equal(OutputActivation.Sigmoid, model.Output);
        Assert.True(result.Best.ValidationAccuracy >= 0.98, $"validation accuracy {result.Best.ValidationAccuracy}");
        Assert.True(Synthetic.Accuracy(new Adapter(model, result.Standardizer, data.LabelNames, new AdapterMetadata()), validation) >= 0.98);
    }

    [Fact]
    public void SoftmaxLogisticRegressionSeparatesBlobs()
    {
        Dataset data = Synthetic.Blobs(800, 6, 4, seed: 3);
        var (train, validation) = DatasetSplitter.Split(data, 0.25, seed: 1);
        var model = new LogisticRegression(6, 4);
        TrainingResult result = new Trainer(new TrainingOptions { Epochs = 30, LearningRate = 0.05f }).Train(model, train, validation);
        Assert.Equal(OutputActivation.Softmax, model.Output);
        Assert.True(result.Best.ValidationAccuracy >= 0.97, $"validation accuracy {result.Best.ValidationAccuracy}");
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss / 2);
    }

    [Fact]
    public void MlpClassifiesOverlappingBlobsWithMomentum()
    {
        Dataset data = Synthetic.Blobs(600, 8, 3, seed: 4, spread: 1.0);
        var (train, validation) = DatasetSplitter.Split(data, 0.2, seed: 2);
        var model = Mlp.Classifier(8, [16, 8], 3, Activation.Relu, seed: 2);
        var options = new TrainingOptions { Epochs = 40, LearningRate = 0.05f, Optimizer = Optimization.OptimizerKind.Momentum };
        TrainingResult result = new Trainer(options).Train(model, train, validation);
        Assert.True(result.Best.ValidationAccuracy >= 0.9, $"validation accuracy {result.Best.ValidationAccuracy}");
    }

    [Fact]
    public void TrainerRejectsDataThatDoesNotFitTheModel()
    {
        Dataset data = Synthetic.Blobs(40, 3, 3, seed: 1);
        var trainer = new Trainer();
        Assert.Throws<ArgumentException>(() => trainer.Train(new LogisticRegression(4, 3), data));
        Assert.Throws<ArgumentException>(() => trainer.Train(new LogisticRegression(3, 2), data));
        Assert.Throws<ArgumentException>(() => trainer.Train(new LinearRegression(3), data));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainingOptions { LearningRate = -1f }));
    }
}
