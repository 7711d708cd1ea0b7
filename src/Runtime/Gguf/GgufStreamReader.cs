using System.Buffers.Binary;
using System.Text;

namespace Llm.Runtime.Gguf;

/// <summary>
/// Little-endian primitive reads that track the position themselves, so non-seekable streams work too,
/// and that bound every length by what the stream can still hold, so a corrupt count cannot allocate gigabytes.
/// </summary>
internal sealed class GgufStreamReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[8];
    private readonly long? _length = stream.CanSeek ? stream.Length : null;

    public long Position { get; private set; } = stream.CanSeek ? stream.Position : 0;

    public byte U8() => Fill(1)[0];
    public sbyte I8() => (sbyte)Fill(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Fill(2));
    public short I16() => BinaryPrimitives.ReadInt16LittleEndian(Fill(2));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Fill(4));
    public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Fill(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Fill(8));
    public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Fill(8));
    public float F32() => BinaryPrimitives.ReadSingleLittleEndian(Fill(4));
    public double F64() => BinaryPrimitives.ReadDoubleLittleEndian(Fill(8));

    public bool Bool() => U8() switch
    {
        0 => false,
        1 => true,
        var b => throw new InvalidDataException($"invalid bool byte {b} at offset {Position - 1}."),
    };

    public string String()
    {
        var length = Count(U64(), 1, "string length");
        if (length == 0)
            return "";
        var bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
        stream.ReadExactly(bytes);
        Position += length;
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// Validates a count read from the file against the bytes left in the file and in the header budget
    /// (<see cref="GgufLimits.MaxHeaderBytes"/>), given a minimum size per item, so nothing is allocated for items
    /// the file cannot hold.
    /// </summary>
    public int Count(ulong count, int minBytesPerItem, string what)
    {
        var remaining = _length is { } len ? len - Position : long.MaxValue;
        if (count > int.MaxValue || (long)count * minBytesPerItem > remaining)
            throw new InvalidDataException($"{what} {count} at offset {Position} exceeds the data left in the file.");
        if ((long)count * minBytesPerItem > GgufLimits.MaxHeaderBytes - Position)
            throw new InvalidDataException($"{what} {count} at offset {Position} exceeds the header limit of {GgufLimits.MaxHeaderBytes} bytes.");
        return (int)count;
    }

    private ReadOnlySpan<byte> Fill(int n)
    {
        var span = _buffer.AsSpan(0, n);
        try
        {
            stream.ReadExactly(span);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"the file ends early at offset {Position}.", e);
        }
        Position += n;
        return span;
    }
}
