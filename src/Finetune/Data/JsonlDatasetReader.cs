using System.Text.Json;

namespace Llm.Finetune.Data;

/// <summary>
/// Reads JSON Lines datasets. Each non-blank line is an object with either <c>"features"</c>
/// (array of numbers) or <c>"text"</c> (string), and either <c>"label"</c> (string, number or bool;
/// classification) or <c>"target"</c> (number; regression). All rows must agree on both choices.
/// </summary>
public static class JsonlDatasetReader
{
    public static LabeledDataset ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader);
    }

    public static LabeledDataset Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var targets = new TargetCollector();
        var features = new List<float>();
        var texts = new List<string>();
        int featureCount = -1;
        bool? isText = null;
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using JsonDocument document = Parse(line, lineNumber);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetFormatException(lineNumber, null, null, "each line must be a JSON object.");
            }

            bool hasFeatures = root.TryGetProperty("features", out JsonElement featureElement);
            bool hasText = root.TryGetProperty("text", out JsonElement textElement);
            if (hasFeatures == hasText)
            {
                throw new DatasetFormatException(lineNumber, null, null, "a row needs exactly one of 'features' or 'text'.");
            }

            isText ??= hasText;
            if (isText != hasText)
            {
                throw new DatasetFormatException(lineNumber, hasText ? "text" : "features", null,
                    "a file cannot mix text rows and numeric feature rows.");
            }

            if (hasText)
            {
                texts.Add(textElement.ValueKind == JsonValueKind.String
                    ? textElement.GetString()!
                    : throw new DatasetFormatException(lineNumber, "text", null, "'text' must be a string."));
            }
            else
            {
                int count = ReadFeatures(featureElement, lineNumber, features);
                if (featureCount >= 0 && count != featureCount)
                {
                    throw new DatasetFormatException(lineNumber, "features", null, $"expected {featureCount} features like earlier rows, found {count}.");
                }

                featureCount = count;
            }

            ReadTarget(root, lineNumber, targets);
        }

        if (isText is null)
        {
            throw new DatasetFormatException(Math.Max(lineNumber, 1), null, null, "the file contains no rows.");
        }

        (int[]? labels, float[]? values, string[]? names) = targets.Build();
        if (isText == true)
        {
            return targets.Kind == ProblemKind.Classification
                ? TextDataset.ForClassification([.. texts], labels!, names!)
                : TextDataset.ForRegression([.. texts], values!);
        }

        return targets.Kind == ProblemKind.Classification
            ? Dataset.ForClassification([.. features], featureCount, labels!, names!)
            : Dataset.ForRegression([.. features], featureCount, values!);
    }

    private static JsonDocument Parse(string line, int lineNumber)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            int? column = e.BytePositionInLine is long position ? (int)position + 1 : null;
            string detail = e.Message.Split(" LineNumber:", 2)[0].TrimEnd();
            throw new DatasetFormatException(lineNumber, null, column, $"malformed JSON ({detail})", e);
        }
    }

    private static int ReadFeatures(JsonElement element, int lineNumber, List<float> features)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new DatasetFormatException(lineNumber, "features", null, "'features' must be an array of numbers.");
        }

        int count = 0;
        foreach (JsonElement value in element.EnumerateArray())
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetSingle(out float number) || !float.IsFinite(number))
            {
                throw new DatasetFormatException(lineNumber, $"features[{count}]", null, $"expected a finite number, found {value.GetRawText()}.");
            }

            features.Add(number);
            count++;
        }

        if (count == 0)
        {
            throw new DatasetFormatException(lineNumber, "features", null, "'features' is empty.");
        }

        return count;
    }

    private static void ReadTarget(JsonElement root, int lineNumber, TargetCollector targets)
    {
        bool hasLabel = root.TryGetProperty("label", out JsonElement label);
        bool hasTarget = root.TryGetProperty("target", out JsonElement target);
        if (hasLabel == hasTarget)
        {
            throw new DatasetFormatException(lineNumber, null, null, "a row needs exactly one of 'label' or 'target'.");
        }

        if (hasLabel)
        {
            string text = label.ValueKind switch
            {
                JsonValueKind.String => label.GetString()!,
                JsonValueKind.Number => label.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => throw new DatasetFormatException(lineNumber, "label", null, "'label' must be a string, number or boolean."),
            };
            targets.AddLabel(text, lineNumber, "label");
            return;
        }

        if (target.ValueKind != JsonValueKind.Number || !target.TryGetSingle(out float value))
        {
            throw new DatasetFormatException(lineNumber, "target", null, $"expected a number, found {target.GetRawText()}.");
        }

        targets.AddTarget(value, lineNumber, "target");
    }
}
