namespace Llm.Finetune.Data;

/// <summary>Where a stream stops being valid UTF-8.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="ByteInLine">0-based offset of the byte within its line.</param>
/// <param name="Offset">0-based offset of the byte in the stream.</param>
/// <param name="Byte">The byte itself.</param>
public sealed record InvalidUtf8(int Line, long ByteInLine, long Offset, byte Byte)
{
    /// <summary>The problem as a <see cref="DatasetFormatException"/> naming the line and offsets.</summary>
    public DatasetFormatException ToException(Exception? inner = null)
        => new(Line, null, null, $"byte 0x{Byte:X2} at offset {Offset} of the file (byte {ByteInLine} of the line) is not valid UTF-8; save the file as UTF-8.", inner);
}
