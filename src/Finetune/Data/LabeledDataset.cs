namespace Llm.Finetune.Data;

/// <summary>
/// Rows with either a class label or a regression target. Label names are sorted ordinally so the
/// class index of a name does not depend on row order, and adapters trained on reordered data agree.
/// </summary>
public abstract class LabeledDataset
{
    private readonly int[] _labels;
    private readonly float[] _targets;
    private readonly string[] _labelNames;

    private protected LabeledDataset(ProblemKind kind, int count, int[]? labels, float[]? targets, IReadOnlyList<string>? labelNames)
    {
        Kind = kind;
        Count = count;
        if (kind == ProblemKind.Classification)
        {
            ArgumentNullException.ThrowIfNull(labels);
            ArgumentNullException.ThrowIfNull(labelNames);
            if (labels.Length != count)
            {
                throw new ArgumentException($"Expected {count} labels, got {labels.Length}.", nameof(labels));
            }

            if (labelNames.Count < 1 || labelNames.Distinct(StringComparer.Ordinal).Count() != labelNames.Count)
            {
                throw new ArgumentException("Label names must be distinct and non-empty.", nameof(labelNames));
            }

            foreach (int label in labels)
            {
                if ((uint)label >= (uint)labelNames.Count)
                {
                    throw new ArgumentException($"Label index {label} is outside the {labelNames.Count} label names.", nameof(labels));
                }
            }

            _labels = labels;
            _targets = [];
            _labelNames = [.. labelNames];
        }
        else
        {
            ArgumentNullException.ThrowIfNull(targets);
            if (targets.Length != count)
            {
                throw new ArgumentException($"Expected {count} targets, got {targets.Length}.", nameof(targets));
            }

            if (Array.FindIndex(targets, t => !float.IsFinite(t)) is var bad and >= 0)
            {
                throw new ArgumentException($"Target of row {bad} is not a finite number.", nameof(targets));
            }

            _labels = [];
            _targets = targets;
            _labelNames = [];
        }
    }

    public ProblemKind Kind { get; }

    public int Count { get; }

    /// <summary>Class names indexed by label; empty for regression.</summary>
    public IReadOnlyList<string> LabelNames => _labelNames;

    /// <summary>Class index of each row; empty for regression.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Target of each row; empty for classification.</summary>
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>The row's training target: the class index for classification, the value for regression.</summary>
    internal float TrainingTarget(int row) => Kind == ProblemKind.Classification ? _labels[row] : _targets[row];

    private protected int[] SelectLabels(IReadOnlyList<int> rows) => Kind == ProblemKind.Classification ? rows.Select(r => _labels[r]).ToArray() : [];

    private protected float[] SelectTargets(IReadOnlyList<int> rows) => Kind == ProblemKind.Regression ? rows.Select(r => _targets[r]).ToArray() : [];

    /// <summary>A new dataset with the given rows, in the given order.</summary>
    internal abstract LabeledDataset SubsetOf(IReadOnlyList<int> rows);
}
