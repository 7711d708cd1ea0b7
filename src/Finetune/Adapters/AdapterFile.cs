using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Llm.Finetune.Data;
using Llm.Finetune.Models;

namespace Llm.Finetune.Adapters;

/// <summary>Binary adapter container; the layout is specified in ADAPTER-FORMAT.md.</summary>
internal static class AdapterFile
{
    public const int Version = 1;
    private const int PrefixLength = 16;
    private const int ChecksumLength = 32;
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("LLMFTADP");

    /// <summary>
    /// Writes to a temporary file in the destination folder, flushes it to disk and renames it over the
    /// destination, so readers see either the previous adapter or the complete new one, never a partial file.
    /// </summary>
    public static void Write(Adapter adapter, string path)
    {
        byte[] bytes = Serialize(adapter);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException("The path has no folder.", nameof(path));
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static byte[] Serialize(Adapter adapter)
    {
        Model model = adapter.Model;
        var header = new AdapterHeader(model.Kind, model.LayerSizes.ToArray(), model.HiddenActivation, model.Output,
            adapter.LabelNames.ToArray(), adapter.Standardizer is not null, model.ParameterCount, adapter.Metadata);
        byte[] json = header.ToUtf8();
        int payloadStart = PrefixLength + json.Length;
        var bytes = new byte[payloadStart + checked((int)header.PayloadFloats * sizeof(float)) + ChecksumLength];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)json.Length);
        json.CopyTo(bytes, PrefixLength);
        int offset = WriteFloats(bytes, payloadStart, model.Parameters);
        if (adapter.Standardizer is { } standardizer)
        {
            offset = WriteFloats(bytes, offset, standardizer.Mean.ToArray());
            offset = WriteFloats(bytes, offset, standardizer.Scale.ToArray());
        }

        SHA256.HashData(bytes.AsSpan(0, offset), bytes.AsSpan(offset));
        return bytes;
    }

    private static int WriteFloats(byte[] bytes, int offset, ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), value);
            offset += sizeof(float);
        }

        return offset;
    }

    public static Adapter Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Exception Fail(string problem, Exception? inner) => new AdapterFormatException(path, problem, inner);

        if (bytes.Length < PrefixLength + ChecksumLength)
        {
            throw Fail($"the file is {bytes.Length} bytes, too short for an adapter (truncated or not an adapter).", null);
        }

        if (!bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw Fail("the file does not start with the adapter magic 'LLMFTADP'.", null);
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != Version)
        {
            throw Fail($"format version {version} is not supported (this library reads version {Version}).", null);
        }

        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        if (headerLength > (uint)(bytes.Length - PrefixLength - ChecksumLength))
        {
            throw Fail($"the header claims {headerLength} bytes but the file is only {bytes.Length} bytes (truncated).", null);
        }

        AdapterHeader header = AdapterHeader.Parse(bytes.AsSpan(PrefixLength, (int)headerLength), Fail);
        int payloadStart = PrefixLength + (int)headerLength;
        long expected = payloadStart + (long)header.PayloadFloats * sizeof(float) + ChecksumLength;
        if (bytes.Length != expected)
        {
            throw Fail(bytes.Length < expected
                ? $"the file is truncated: {bytes.Length} bytes where the header implies {expected}."
                : $"the file has {bytes.Length - expected} unexpected trailing bytes.", null);
        }

        int checksumOffset = (int)expected - ChecksumLength;
        if (!SHA256.HashData(bytes.AsSpan(0, checksumOffset)).AsSpan().SequenceEqual(bytes.AsSpan(checksumOffset)))
        {
            throw Fail("the SHA-256 checksum does not match the contents (the file is corrupted).", null);
        }

        Model model = CreateModel(header, Fail);

        int offset = ReadFloats(bytes, payloadStart, model.Parameters, "weights", Fail);
        Standardizer? standardizer = null;
        if (header.Standardization)
        {
            int features = header.LayerSizes[0];
            var mean = new float[features];
            var scale = new float[features];
            offset = ReadFloats(bytes, offset, mean, "standardisation means", Fail);
            ReadFloats(bytes, offset, scale, "standardisation scales", Fail);
            if (scale.Any(s => s <= 0f))
            {
                throw Fail("a standardisation scale is not positive.", null);
            }

            standardizer = new Standardizer(mean, scale);
        }

        try
        {
            return new Adapter(model, standardizer, header.Labels, header.Metadata);
        }
        catch (ArgumentException e)
        {
            throw Fail(e.Message, e);
        }
    }

    private static Model CreateModel(AdapterHeader header, Func<string, Exception?, Exception> fail)
    {
        try
        {
            return Model.Create(header.Kind, header.LayerSizes, header.HiddenActivation, header.Output);
        }
        catch (ArgumentException e)
        {
            throw fail($"the header describes an impossible model: {e.Message}", e);
        }
    }

    private static int ReadFloats(byte[] bytes, int offset, Span<float> destination, string what, Func<string, Exception?, Exception> fail)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            float value = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset));
            if (!float.IsFinite(value))
            {
                throw fail($"{what} value {i} is not a finite number.", null);
            }

            destination[i] = value;
            offset += sizeof(float);
        }

        return offset;
    }
}
