using Llm.Finetune.Compute;

namespace Llm.Finetune.Data;

/// <summary>
/// Seeded train/validation split. Classification splits per class (stratified), so each class keeps
/// its proportion and always keeps at least one training row.
/// </summary>
public static class DatasetSplitter
{
    public static (T Train, T Validation) Split<T>(T data, double validationFraction, int seed) where T : LabeledDataset
    {
        (int[] train, int[] validation) = SplitIndices(data, validationFraction, seed);
        return ((T)data.SubsetOf(train), (T)data.SubsetOf(validation));
    }

    /// <summary>Row indices of each part, each in ascending order.</summary>
    public static (int[] Train, int[] Validation) SplitIndices(LabeledDataset data, double validationFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(validationFraction >= 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), "The validation fraction must be in [0, 1).");
        }

        var random = new SeededRandom(seed);
        var train = new List<int>();
        var validation = new List<int>();
        IEnumerable<int[]> groups = data.Kind == ProblemKind.Classification
            ? Enumerable.Range(0, data.LabelNames.Count).Select(c => IndicesOf(data.Labels, c))
            : [Enumerable.Range(0, data.Count).ToArray()];
        foreach (int[] group in groups)
        {
            random.Shuffle(group);
            int take = Math.Clamp((int)Math.Round(validationFraction * group.Length), 0, Math.Max(group.Length - 1, 0));
            validation.AddRange(group.AsSpan(0, take));
            train.AddRange(group.AsSpan(take));
        }

        train.Sort();
        validation.Sort();
        return ([.. train], [.. validation]);
    }

    private static int[] IndicesOf(ReadOnlySpan<int> labels, int label)
    {
        var indices = new List<int>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == label)
            {
                indices.Add(i);
            }
        }

        return [.. indices];
    }
}
