using System.Text;
using Llm.Finetune.Data;

namespace Llm.Api.FineTuning;

/// <summary>Parses uploaded dataset bytes: CSV by extension, JSON Lines by extension or, for other names, when the content starts with '{'.</summary>
public static class DatasetFiles
{
    /// <summary>Parses the content; throws <see cref="DatasetFormatException"/> (naming the line) or <see cref="InvalidDataException"/>.</summary>
    public static LabeledDataset Parse(string fileName, ReadOnlySpan<byte> content)
    {
        if (!IsCsv(fileName, content)) return Jsonl(content);
        var copy = content.ToArray();
        return Csv(() => new MemoryStream(copy, writable: false));
    }

    /// <summary>Parses the content without copying it; same errors as <see cref="Parse(string, ReadOnlySpan{byte})"/>.</summary>
    public static LabeledDataset Parse(string fileName, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return IsCsv(fileName, content) ? Csv(() => new MemoryStream(content, writable: false)) : Jsonl(content);
    }

    /// <summary>
    /// Parses a stored file named <paramref name="fileName"/> at <paramref name="path"/>: CSV is streamed from disk,
    /// JSON Lines is read whole (its reader works on the bytes). Same errors as <see cref="Parse(string, ReadOnlySpan{byte})"/>,
    /// plus <see cref="IOException"/>.
    /// </summary>
    public static LabeledDataset ParseFile(string fileName, string path)
    {
        // Enough to see past leading blank lines to the first character of a JSON Lines file.
        var start = new byte[4096];
        int read;
        using (var probe = File.OpenRead(path)) read = probe.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        return IsCsv(fileName, start.AsSpan(0, read)) ? Csv(() => File.OpenRead(path)) : Jsonl(File.ReadAllBytes(path));
    }

    private static bool IsCsv(string fileName, ReadOnlySpan<byte> content)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        return extension == ".csv" || (extension is not (".jsonl" or ".ndjson" or ".json") && !LooksLikeJson(content));
    }

    private static LabeledDataset Csv(Func<Stream> open)
    {
        try
        {
            using var reader = new StreamReader(open(), new UTF8Encoding(false, throwOnInvalidBytes: true));
            return CsvDatasetReader.Read(reader);
        }
        catch (DecoderFallbackException ex)
        {
            // The decoder reads ahead in blocks, so neither its message nor the reader's line points at the byte: find it.
            using var again = open();
            throw (Exception?)Utf8Scan.FindInvalid(again)?.ToException(ex) ?? new InvalidDataException("The file is not valid UTF-8.", ex);
        }
        catch (ArgumentException ex)
        {
            // Row-level checks of the dataset types (non-finite values, a single class) arrive as ArgumentException.
            throw new InvalidDataException(ex.Message, ex);
        }
    }

    private static LabeledDataset Jsonl(ReadOnlySpan<byte> content)
    {
        try
        {
            return JsonlDatasetReader.ReadUtf8(content);
        }
        catch (Exception ex) when (ex is ArgumentException or DecoderFallbackException)
        {
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
