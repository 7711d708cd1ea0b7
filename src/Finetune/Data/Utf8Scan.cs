using System.Text;

namespace Llm.Finetune.Data;

/// <summary>Finds the first byte of a stream that is not valid UTF-8, with its line, so that an error can point at it.</summary>
public static class Utf8Scan
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>
    /// Reads <paramref name="stream"/> to its end or to the first invalid byte; null when all of it is valid UTF-8.
    /// A sequence cut off by the end of the stream counts as invalid.
    /// </summary>
    public static InvalidUtf8? FindInvalid(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[ChunkBytes + 4];
        int carry = 0, line = 1;
        long start = 0, lineStart = 0;
        while (true)
        {
            int read = stream.Read(buffer, carry, ChunkBytes);
            int total = carry + read;
            bool final = read == 0;
            var span = buffer.AsSpan(0, total);
            int i = 0;
            while (i < total)
            {
                byte b = span[i];
                if (b < 0x80)
                {
                    if (b == (byte)'\n')
                    {
                        line++;
                        lineStart = start + i + 1;
                    }

                    i++;
                    continue;
                }

                var status = Rune.DecodeFromUtf8(span[i..], out _, out int length);
                if (status == System.Buffers.OperationStatus.Done)
                {
                    i += length;
                    continue;
                }

                if (status == System.Buffers.OperationStatus.NeedMoreData && !final)
                {
                    break;
                }

                return new InvalidUtf8(line, start + i - lineStart, start + i, b);
            }

            if (final)
            {
                return null;
            }

            carry = total - i;
            span[i..].CopyTo(buffer);
            start += i;
        }
    }
}
