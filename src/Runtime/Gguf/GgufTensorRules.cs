using System.Text;

namespace Llm.Runtime.Gguf;

/// <summary>
/// Every tensor's name, type, shape and data range, as llama.cpp's GGUF loader needs them: a known ggml type, one to
/// four dimensions none of them zero, rows a whole number of blocks, and data packed in file order (each tensor at the
/// aligned end of the previous one, which is where llama.cpp expects it) inside the file.
/// </summary>
internal static class GgufTensorRules
{
    public static void Check(GgufFile file, long fileLength)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        long expectedOffset = 0;
        string? previous = null;
        foreach (var t in file.Tensors)
        {
            if (Encoding.UTF8.GetByteCount(t.Name) > GgufFormat.MaxNameBytes)
                throw GgufValidator.Refuse($"tensor '{Shorten(t.Name)}' has a name longer than {GgufFormat.MaxNameBytes} bytes.");
            if (!names.Add(t.Name))
                throw GgufValidator.Refuse($"tensor '{t.Name}' appears twice.");
            if (!GgufTensorTypeSizes.TryGetBlock(t.Type, out var blockElements, out var blockBytes))
                throw GgufValidator.Refuse($"tensor '{t.Name}' has unknown type {(uint)t.Type}.");
            if (t.Shape.Count is 0 or > GgufFormat.MaxDimensions)
                throw GgufValidator.Refuse($"tensor '{t.Name}' has {t.Shape.Count} dimensions (1 to {GgufFormat.MaxDimensions}).");
            if (t.Shape.Any(d => d <= 0))
                throw GgufValidator.Refuse($"tensor '{t.Name}' has a zero dimension (shape {ShapeText(t.Shape)}).");
            long elements;
            try
            {
                elements = t.ElementCount;
            }
            catch (OverflowException)
            {
                throw GgufValidator.Refuse($"tensor '{t.Name}' has too many elements (shape {ShapeText(t.Shape)}).");
            }
            if (t.Shape[0] % blockElements != 0)
                throw GgufValidator.Refuse($"tensor '{t.Name}' has rows of {t.Shape[0]} elements, not a whole number of {t.Type} blocks of {blockElements}.");
            var size = elements / blockElements * blockBytes;
            if (size / blockBytes != elements / blockElements || size > fileLength)
                throw GgufValidator.Refuse($"tensor '{t.Name}' needs more bytes than the file has (shape {ShapeText(t.Shape)}, {t.Type}).");
            if (t.Offset % file.Alignment != 0)
                throw GgufValidator.Refuse($"tensor '{t.Name}' has offset {t.Offset}, not a multiple of the alignment {file.Alignment}.");
            if (t.Offset < expectedOffset)
                throw GgufValidator.Refuse($"tensor '{t.Name}' at offset {t.Offset} overlaps tensor '{previous}' (which ends at {expectedOffset}).");
            if (t.Offset > expectedOffset)
                throw GgufValidator.Refuse($"tensor '{t.Name}' is at offset {t.Offset}, expected {expectedOffset}: tensor data must be packed in file order.");
            if (file.DataOffset + t.Offset + size > fileLength)
                throw GgufValidator.Refuse($"tensor '{t.Name}' ends past the end of the file ({fileLength} bytes); the file is truncated or corrupt.");
            expectedOffset = GgufFormat.Align(t.Offset + size, file.Alignment);
            previous = t.Name;
        }
    }

    public static string ShapeText(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    private static string Shorten(string name) => name.Length <= 80 ? name : name[..80] + "...";
}
