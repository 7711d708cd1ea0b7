using System.Buffers;
using System.Text;

namespace Llm.Finetune.Data;

/// <summary>
/// Reads JSON Lines datasets. Each non-blank line is an object with either <c>"features"</c>
/// (array of numbers) or <c>"text"</c> (string), and either <c>"label"</c> (string, number or bool;
/// classification) or <c>"target"</c> (number; regression). All rows must agree on both choices;
/// other properties are ignored.
/// </summary>
public static class JsonlDatasetReader
{
    /// <summary>Reads a UTF-8 file; lines are parsed straight from the file's bytes without decoding to strings.</summary>
    public static LabeledDataset ReadFile(string path) => ReadUtf8(File.ReadAllBytes(path));

    /// <summary>Parses UTF-8 JSON Lines (an optional byte-order mark is skipped).</summary>
    public static LabeledDataset ReadUtf8(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("\uFEFF"u8))
        {
            data = data[3..];
        }

        var builder = new Builder();
        int lineNumber = 0;
        while (!data.IsEmpty)
        {
            int newline = data.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? data : data[..newline];
            data = newline < 0 ? default : data[(newline + 1)..];
            lineNumber++;
            line = line.TrimEnd((byte)'\r');
            if (!line.Trim(" \t"u8).IsEmpty)
            {
                builder.Add(line, lineNumber);
            }
        }

        return builder.Build(lineNumber);
    }

    public static LabeledDataset Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var builder = new Builder();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            int lineNumber = 0;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                int needed = Encoding.UTF8.GetMaxByteCount(line.Length);
                if (buffer.Length < needed)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(needed);
                }

                int length = Encoding.UTF8.GetBytes(line, buffer);
                builder.Add(buffer.AsSpan(0, length), lineNumber);
            }

            return builder.Build(lineNumber);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class Builder
    {
        private readonly TargetCollector _targets = new();
        private readonly List<float> _features = [];
        private readonly List<string> _texts = [];
        private int _featureCount = -1;
        private bool? _isText;

        public void Add(ReadOnlySpan<byte> utf8, int lineNumber)
        {
            JsonlRow row = JsonlRow.Parse(utf8, lineNumber, _features);
            bool hasText = row.Text is not null;
            if (row.HasFeatures == hasText)
            {
                throw new DatasetFormatException(lineNumber, null, null, "a row needs exactly one of 'features' or 'text'.");
            }

            _isText ??= hasText;
            if (_isText != hasText)
            {
                throw new DatasetFormatException(lineNumber, hasText ? "text" : "features", null, "a file cannot mix text rows and numeric feature rows.");
            }

            if (hasText)
            {
                _texts.Add(row.Text!);
            }
            else if (_featureCount >= 0 && row.FeatureCount != _featureCount)
            {
                throw new DatasetFormatException(lineNumber, "features", null, $"expected {_featureCount} features like earlier rows, found {row.FeatureCount}.");
            }
            else
            {
                _featureCount = row.FeatureCount;
            }

            if ((row.Label is null) == (row.Target is null))
            {
                throw new DatasetFormatException(lineNumber, null, null, "a row needs exactly one of 'label' or 'target'.");
            }

            if (row.Label is not null)
            {
                _targets.AddLabel(row.Label, lineNumber, "label");
            }
            else
            {
                _targets.AddTarget(row.Target!.Value, lineNumber, "target");
            }
        }

        public LabeledDataset Build(int lastLine)
        {
            if (_isText is null)
            {
                throw new DatasetFormatException(Math.Max(lastLine, 1), null, null, "the file contains no rows.");
            }

            (int[]? labels, float[]? values, string[]? names) = _targets.Build();
            if (_isText == true)
            {
                return _targets.Kind == ProblemKind.Classification
                    ? TextDataset.ForClassification([.. _texts], labels!, names!)
                    : TextDataset.ForRegression([.. _texts], values!);
            }

            return _targets.Kind == ProblemKind.Classification
                ? Dataset.ForClassification([.. _features], _featureCount, labels!, names!)
                : Dataset.ForRegression([.. _features], _featureCount, values!);
        }
    }
}
