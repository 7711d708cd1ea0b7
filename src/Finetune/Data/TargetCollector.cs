namespace Llm.Finetune.Data;

/// <summary>Accumulates per-row labels or targets while a file is read and enforces that every row uses the same one.</summary>
internal sealed class TargetCollector
{
    private readonly List<string> _labels = [];
    private readonly List<float> _targets = [];

    public ProblemKind? Kind { get; private set; }

    public int Count => Kind == ProblemKind.Regression ? _targets.Count : _labels.Count;

    public void AddLabel(string label, int line, string field, int? column = null)
    {
        Expect(ProblemKind.Classification, line, field, column);
        if (string.IsNullOrWhiteSpace(label))
        {
            throw new DatasetFormatException(line, field, column, "the label is empty.");
        }

        _labels.Add(label);
    }

    public void AddTarget(float target, int line, string field, int? column = null)
    {
        Expect(ProblemKind.Regression, line, field, column);
        if (!float.IsFinite(target))
        {
            throw new DatasetFormatException(line, field, column, "the target is not a finite number.");
        }

        _targets.Add(target);
    }

    private void Expect(ProblemKind kind, int line, string field, int? column)
    {
        Kind ??= kind;
        if (Kind != kind)
        {
            throw new DatasetFormatException(line, field, column,
                $"earlier rows have a {(Kind == ProblemKind.Classification ? "'label'" : "'target'")}; a file cannot mix labels and targets.");
        }
    }

    /// <summary>Class indices follow the ordinal order of the label names.</summary>
    public (int[]? Labels, float[]? Targets, string[]? Names) Build()
    {
        if (Kind == ProblemKind.Regression)
        {
            return (null, _targets.ToArray(), null);
        }

        string[] names = _labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            index[names[i]] = i;
        }

        return (_labels.Select(l => index[l]).ToArray(), null, names);
    }
}
