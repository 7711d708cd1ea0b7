using Llm.Finetune.Data;

namespace Llm.Finetune.Tests.Data;

public class TextDatasetTests
{
    /// <summary>Stand-in for a base model: a deterministic vector per text, plus a record of the batches requested.</summary>
    private static Func<IReadOnlyList<string>, CancellationToken, Task<float[][]>> FakeEmbedder(List<int> batches, int dimension = 3) =>
        (texts, _) =>
        {
            batches.Add(texts.Count);
            return Task.FromResult(texts.Select(t => Enumerable.Range(0, dimension).Select(i => (float)(t.Length * (i + 1))).ToArray()).ToArray());
        };

    [Fact]
    public async Task EmbeddingProducesNumericDatasetWithSameLabels()
    {
        var text = TextDataset.ForClassification(["a", "bb", "ccc", "dddd", "eeeee"], [0, 1, 0, 1, 1], ["neg", "pos"]);
        var batches = new List<int>();
        Dataset data = await text.EmbedAsync(FakeEmbedder(batches), batchSize: 2);
        Assert.Equal([2, 2, 1], batches);
        Assert.Equal(3, data.FeatureCount);
        Assert.Equal([0, 1, 0, 1, 1], data.Labels.ToArray());
        Assert.Equal(["neg", "pos"], data.LabelNames);
        Assert.Equal([4f, 8f, 12f], data.Row(3).ToArray());
    }

    [Fact]
    public async Task InconsistentEmbeddingsAreRejected()
    {
        var text = TextDataset.ForRegression(["a", "bb"], [1f, 2f]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => text.EmbedAsync((t, _) => Task.FromResult(new float[][] { [1f] })));
        int call = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            text.EmbedAsync((t, _) => Task.FromResult(new[] { new float[++call] }), batchSize: 1));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            text.EmbedAsync((t, _) => Task.FromResult(t.Select(_ => new[] { float.NaN }).ToArray())));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => text.EmbedAsync(FakeEmbedder([]), 1, cancelled.Token));
    }
}
