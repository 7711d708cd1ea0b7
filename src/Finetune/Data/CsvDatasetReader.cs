using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Llm.Finetune.Data;

/// <summary>
/// Reads comma-separated numeric datasets. The first non-blank line is a header; exactly one column
/// is named <c>label</c> (classification) or <c>target</c> (regression), case-insensitively, and every
/// other column is a numeric feature. Fields may be double-quoted (RFC 4180), but not span lines.
/// </summary>
public static class CsvDatasetReader
{
    public static Dataset ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader);
    }

    public static Dataset Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var fields = new List<string>();
        var builder = new StringBuilder();
        string[]? header = null;
        int targetColumn = -1;
        bool classification = false;
        var targets = new TargetCollector();
        var features = new List<float>();
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (header is not null && !line.Contains('"'))
            {
                AddUnquotedLine(line, lineNumber, header, targetColumn, classification, targets, features);
                continue;
            }

            Split(line, lineNumber, fields, builder);
            if (header is null)
            {
                header = fields.Select(f => f.Trim()).ToArray();
                (targetColumn, classification) = FindTargetColumn(header, lineNumber);
                continue;
            }

            if (fields.Count != header.Length)
            {
                throw new DatasetFormatException(lineNumber, null, Math.Min(fields.Count, header.Length) + 1,
                    $"expected {header.Length} fields like the header, found {fields.Count}.");
            }

            for (int c = 0; c < fields.Count; c++)
            {
                AddField(fields[c].AsSpan().Trim(), c, lineNumber, header, targetColumn, classification, targets, features);
            }
        }

        if (header is null || targets.Count == 0)
        {
            throw new DatasetFormatException(Math.Max(lineNumber, 1), null, null, header is null ? "the file is empty." : "the file has a header but no rows.");
        }

        (int[]? labels, float[]? values, string[]? names) = targets.Build();
        int featureCount = header.Length - 1;
        return classification
            ? Dataset.ForClassification([.. features], featureCount, labels!, names!)
            : Dataset.ForRegression([.. features], featureCount, values!);
    }

    /// <summary>The common case, fields without quotes: parsed in place without a string per field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddUnquotedLine(string line, int lineNumber, string[] header, int targetColumn, bool classification,
        TargetCollector targets, List<float> features)
    {
        ReadOnlySpan<char> rest = line;
        int column = 0;
        while (true)
        {
            int comma = rest.IndexOf(',');
            ReadOnlySpan<char> field = comma < 0 ? rest : rest[..comma];
            if (column >= header.Length)
            {
                throw new DatasetFormatException(lineNumber, null, header.Length + 1, $"expected {header.Length} fields like the header, found more.");
            }

            AddField(field.Trim(), column, lineNumber, header, targetColumn, classification, targets, features);
            column++;
            if (comma < 0)
            {
                break;
            }

            rest = rest[(comma + 1)..];
        }

        if (column != header.Length)
        {
            throw new DatasetFormatException(lineNumber, null, column + 1, $"expected {header.Length} fields like the header, found {column}.");
        }
    }

    private static void AddField(ReadOnlySpan<char> field, int column, int lineNumber, string[] header, int targetColumn, bool classification,
        TargetCollector targets, List<float> features)
    {
        if (column == targetColumn && classification)
        {
            targets.AddLabel(field.ToString(), lineNumber, header[column], column + 1);
            return;
        }

        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
        {
            throw new DatasetFormatException(lineNumber, header[column], column + 1, $"expected a finite number, found '{field}'.");
        }

        if (column == targetColumn)
        {
            targets.AddTarget(value, lineNumber, header[column], column + 1);
        }
        else
        {
            features.Add(value);
        }
    }

    private static (int Column, bool Classification) FindTargetColumn(string[] header, int lineNumber)
    {
        int label = Array.FindIndex(header, h => h.Equals("label", StringComparison.OrdinalIgnoreCase));
        int target = Array.FindIndex(header, h => h.Equals("target", StringComparison.OrdinalIgnoreCase));
        if ((label >= 0) == (target >= 0))
        {
            throw new DatasetFormatException(lineNumber, null, null, "the header needs exactly one 'label' or 'target' column.");
        }

        if (header.Length < 2)
        {
            throw new DatasetFormatException(lineNumber, null, null, "the header has no feature columns.");
        }

        int column = Math.Max(label, target);
        for (int c = 0; c < header.Length; c++)
        {
            if (c != column && header[c].Equals(header[column], StringComparison.OrdinalIgnoreCase))
            {
                throw new DatasetFormatException(lineNumber, header[c], c + 1, "the target column appears twice.");
            }
        }

        return (column, label >= 0);
    }

    private static void Split(string line, int lineNumber, List<string> fields, StringBuilder builder)
    {
        fields.Clear();
        builder.Clear();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch != '"')
                {
                    builder.Append(ch);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    builder.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(builder.ToString());
                builder.Clear();
            }
            else
            {
                builder.Append(ch);
            }
        }

        if (quoted)
        {
            throw new DatasetFormatException(lineNumber, null, fields.Count + 1, "unterminated quoted field.");
        }

        fields.Add(builder.ToString());
    }
}
