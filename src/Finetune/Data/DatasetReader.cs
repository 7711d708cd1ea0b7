namespace Llm.Finetune.Data;

/// <summary>Picks the reader from the file extension: .csv, or .jsonl / .ndjson / .json for JSON Lines.</summary>
public static class DatasetReader
{
    public static LabeledDataset ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => CsvDatasetReader.ReadFile(path),
            ".jsonl" or ".ndjson" or ".json" => JsonlDatasetReader.ReadFile(path),
            var other => throw new NotSupportedException($"Unknown dataset extension '{other}'; use .csv or .jsonl."),
        };
    }
}
