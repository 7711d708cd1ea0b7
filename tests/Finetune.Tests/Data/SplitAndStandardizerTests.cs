using Llm.Finetune.Data;

namespace Llm.Finetune.Tests.Data;

public class SplitAndStandardizerTests
{
    [Fact]
    public void StratifiedSplitKeepsClassProportionsAndIsSeeded()
    {
        // Imbalanced: 80 of class 0, 20 of class 1.
        int[] labels = Enumerable.Range(0, 100).Select(i => i < 80 ? 0 : 1).ToArray();
        var data = Dataset.ForClassification(Enumerable.Range(0, 100).Select(i => (float)i).ToArray(), 1, labels, ["a", "b"]);
        var (train, validation) = DatasetSplitter.SplitIndices(data, 0.25, seed: 3);

        Assert.Equal(Enumerable.Range(0, 100), train.Concat(validation).Order());
        Assert.Equal(20, validation.Count(i => labels[i] == 0));
        Assert.Equal(5, validation.Count(i => labels[i] == 1));
        Assert.Equal(validation, DatasetSplitter.SplitIndices(data, 0.25, seed: 3).Validation);
        Assert.NotEqual(validation, DatasetSplitter.SplitIndices(data, 0.25, seed: 4).Validation);

        var (trainSet, validationSet) = DatasetSplitter.Split(data, 0.25, seed: 3);
        Assert.Equal(75, trainSet.Count);
        Assert.Equal(validation.Select(i => (float)i), validationSet.Features.ToArray());
    }

    [Fact]
    public void RegressionAndTextSplitsWork()
    {
        var (data, _, _) = Synthetic.Linear(50, 2, seed: 1);
        var (train, validation) = DatasetSplitter.Split(data, 0.2, seed: 1);
        Assert.Equal((40, 10), (train.Count, validation.Count));

        var text = TextDataset.ForClassification(["a", "b", "c", "d"], [0, 1, 0, 1], ["x", "y"]);
        var (textTrain, textValidation) = DatasetSplitter.Split(text, 0.5, seed: 1);
        Assert.Equal(2, textTrain.Count);
        Assert.Equal([0, 1], textValidation.Labels.ToArray().Order());
    }

    [Fact]
    public void StandardizerCentresAndScalesAndIgnoresConstantColumns()
    {
        float[] features = [1, 5, 2, 5, 3, 5, 4, 5];
        var standardizer = Standardizer.Fit(features, 2);
        Assert.Equal([2.5f, 5f], standardizer.Mean);
        Assert.Equal(MathF.Sqrt(1.25f), standardizer.Scale[0], 1e-6f);
        Assert.Equal(1f, standardizer.Scale[1]);

        standardizer.Transform(features);
        float[] first = [features[0], features[2], features[4], features[6]];
        Assert.Equal(0f, first.Average(), 1e-6f);
        Assert.Equal(1f, MathF.Sqrt(first.Select(v => v * v).Average()), 1e-5f);
        Assert.All(new[] { features[1], features[3] }, v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentException>(() => new Standardizer([0f], [0f]));
    }

    [Fact]
    public void DatasetsRejectInvalidValues()
    {
        Assert.Throws<ArgumentException>(() => Dataset.ForRegression([1f, float.NaN], 1, [1f, 2f]));
        Assert.Throws<ArgumentException>(() => Dataset.ForClassification([1f, 2f], 1, [0, 2], ["a", "b"]));
        Assert.Throws<ArgumentException>(() => Dataset.ForClassification([1f, 2f, 3f], 2, [0], ["a"]));
    }
}
