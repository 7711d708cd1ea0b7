namespace Llm.Finetune.Data;

/// <summary>
/// Labelled text rows. Text is kept as text: <see cref="EmbedAsync"/> turns it into a numeric
/// <see cref="Dataset"/> through an embedding function the caller provides (usually a base model).
/// </summary>
public sealed class TextDataset : LabeledDataset
{
    private readonly string[] _texts;

    private TextDataset(ProblemKind kind, string[] texts, int[]? labels, float[]? targets, IReadOnlyList<string>? labelNames)
        : base(kind, (texts ?? throw new ArgumentNullException(nameof(texts))).Length, labels, targets, labelNames)
    {
        if (Array.FindIndex(texts, t => t is null) is var bad and >= 0)
        {
            throw new ArgumentException($"Text of row {bad} is null.", nameof(texts));
        }

        _texts = texts;
    }

    public static TextDataset ForClassification(string[] texts, int[] labels, IReadOnlyList<string> labelNames) =>
        new(ProblemKind.Classification, texts, labels, null, labelNames);

    public static TextDataset ForRegression(string[] texts, float[] targets) =>
        new(ProblemKind.Regression, texts, null, targets, null);

    public IReadOnlyList<string> Texts => _texts;

    public TextDataset Subset(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        string[] texts = rows.Select(r => _texts[r]).ToArray();
        return new TextDataset(Kind, texts, SelectLabels(rows), SelectTargets(rows), LabelNames);
    }

    internal override LabeledDataset SubsetOf(IReadOnlyList<int> rows) => Subset(rows);

    /// <summary>
    /// Embeds the texts in batches of <paramref name="batchSize"/> and returns a numeric dataset with the same labels.
    /// The embedder must return one finite vector per text, all of the same length.
    /// </summary>
    public async Task<Dataset> EmbedAsync(Func<IReadOnlyList<string>, CancellationToken, Task<float[][]>> embed,
        int batchSize = 64, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embed);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        float[]? features = null;
        int dimension = 0;
        for (int start = 0; start < Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, Count - start);
            float[][] vectors = await embed(new ArraySegment<string>(_texts, start, count), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The embedding function returned null.");
            if (vectors.Length != count)
            {
                throw new InvalidOperationException($"The embedding function returned {vectors.Length} vectors for {count} texts.");
            }

            for (int i = 0; i < count; i++)
            {
                float[] vector = vectors[i] ?? throw new InvalidOperationException($"The embedding of row {start + i} is null.");
                if (features is null)
                {
                    dimension = vector.Length > 0 ? vector.Length : throw new InvalidOperationException("The embedding function returned an empty vector.");
                    features = new float[Count * dimension];
                }

                if (vector.Length != dimension)
                {
                    throw new InvalidOperationException($"The embedding of row {start + i} has {vector.Length} values; earlier rows had {dimension}.");
                }

                if (Array.FindIndex(vector, v => !float.IsFinite(v)) >= 0)
                {
                    throw new InvalidOperationException($"The embedding of row {start + i} contains a non-finite value.");
                }

                vector.CopyTo(features, (start + i) * dimension);
            }
        }

        if (features is null)
        {
            throw new InvalidOperationException("The dataset has no rows to embed.");
        }

        return Kind == ProblemKind.Classification
            ? Dataset.ForClassification(features, dimension, Labels.ToArray(), LabelNames)
            : Dataset.ForRegression(features, dimension, Targets.ToArray());
    }
}
