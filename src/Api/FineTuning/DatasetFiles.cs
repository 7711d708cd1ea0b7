using System.Text;
using Llm.Finetune.Data;

namespace Llm.Api.FineTuning;

/// <summary>Parses uploaded dataset bytes: CSV by extension, JSON Lines by extension or, for other names, when the content starts with '{'.</summary>
public static class DatasetFiles
{
    /// <summary>Parses the content; throws <see cref="DatasetFormatException"/> (naming the line) or <see cref="InvalidDataException"/>.</summary>
    public static LabeledDataset Parse(string fileName, ReadOnlySpan<byte> content)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var csv = extension == ".csv" || (extension is not (".jsonl" or ".ndjson" or ".json") && !LooksLikeJson(content));
        try
        {
            if (!csv) return JsonlDatasetReader.ReadUtf8(content);
            using var reader = new StreamReader(new MemoryStream(content.ToArray()), new UTF8Encoding(false, throwOnInvalidBytes: true));
            return CsvDatasetReader.Read(reader);
        }
        catch (Exception ex) when (ex is ArgumentException or DecoderFallbackException)
        {
            // Row-level checks of the dataset types (non-finite values, a single class) arrive as ArgumentException.
            throw new InvalidDataException(ex.Message, ex);
        }
    }

    private static bool LooksLikeJson(ReadOnlySpan<byte> content)
    {
        var trimmed = content.StartsWith("\uFEFF"u8) ? content[3..] : content;
        trimmed = trimmed.TrimStart(" \t\r\n"u8);
        return !trimmed.IsEmpty && trimmed[0] == (byte)'{';
    }
}
