using System.Globalization;

namespace Llm.Runtime.Gguf;

/// <summary>
/// One typed GGUF metadata value. <see cref="Value"/> holds the boxed scalar (byte, sbyte, ushort, short, uint,
/// int, float, bool, ulong, long, double), a string, or for arrays a typed .NET array of the element type
/// (string[] for strings, GgufValue[] for nested arrays). The type tag is kept explicitly because GGUF
/// readers (llama.cpp included) insist on the exact width, e.g. uint32 for token ids.
/// </summary>
public sealed class GgufValue
{
    private GgufValue(GgufValueType type, object value, GgufValueType? elementType = null)
    {
        Type = type;
        Value = value;
        ElementType = elementType;
    }

    public GgufValueType Type { get; }

    /// <summary>The element type when <see cref="Type"/> is <see cref="GgufValueType.Array"/>, else null.</summary>
    public GgufValueType? ElementType { get; }

    public object Value { get; }

    /// <summary>Number of elements of an array value.</summary>
    public int Count => Value is System.Array a ? a.Length : throw new InvalidOperationException($"A {Type} value is not an array.");

    public static GgufValue UInt8(byte value) => new(GgufValueType.UInt8, value);
    public static GgufValue Int8(sbyte value) => new(GgufValueType.Int8, value);
    public static GgufValue UInt16(ushort value) => new(GgufValueType.UInt16, value);
    public static GgufValue Int16(short value) => new(GgufValueType.Int16, value);
    public static GgufValue UInt32(uint value) => new(GgufValueType.UInt32, value);
    public static GgufValue Int32(int value) => new(GgufValueType.Int32, value);
    public static GgufValue Float32(float value) => new(GgufValueType.Float32, value);
    public static GgufValue Bool(bool value) => new(GgufValueType.Bool, value);
    public static GgufValue String(string value) => new(GgufValueType.String, value ?? throw new ArgumentNullException(nameof(value)));
    public static GgufValue UInt64(ulong value) => new(GgufValueType.UInt64, value);
    public static GgufValue Int64(long value) => new(GgufValueType.Int64, value);
    public static GgufValue Float64(double value) => new(GgufValueType.Float64, value);

    /// <summary>
    /// An array whose element type follows from <typeparamref name="T"/> (a scalar type listed above, string,
    /// or <see cref="GgufValue"/> for an array of arrays). The items are copied.
    /// </summary>
    public static GgufValue Array<T>(ReadOnlySpan<T> items)
    {
        var elementType = ElementTypeOf(typeof(T));
        var copy = items.ToArray();
        if (copy is GgufValue[] nested && nested.Any(v => v is null || v.Type != GgufValueType.Array))
            throw new ArgumentException("Items of a nested GGUF array must themselves be arrays.", nameof(items));
        if (copy is string[] strings && strings.Any(s => s is null))
            throw new ArgumentException("Strings in a GGUF array must not be null.", nameof(items));
        return new GgufValue(GgufValueType.Array, copy, elementType);
    }

    /// <inheritdoc cref="Array{T}(ReadOnlySpan{T})"/>
    public static GgufValue Array<T>(IEnumerable<T> items) => Array<T>(items.ToArray().AsSpan());

    /// <summary>The value as <typeparamref name="T"/>; throws <see cref="InvalidCastException"/> on a type mismatch.</summary>
    public T Get<T>() => Value is T t ? t : throw new InvalidCastException($"GGUF value of type {Type} is not a {typeof(T).Name}.");

    /// <summary>The elements of an array value as <typeparamref name="T"/>[].</summary>
    public T[] GetArray<T>() => Get<T[]>();

    /// <summary>Any integer-typed value widened to long, because files disagree on widths (uint32 vs uint64).</summary>
    public long ToInt64() => Value switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        ulong v => checked((long)v),
        long v => v,
        _ => throw new InvalidCastException($"GGUF value of type {Type} is not an integer."),
    };

    public override string ToString() => Value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        System.Array a => $"[{ElementType} x {a.Length}]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? "",
    };

    internal static GgufValueType ElementTypeOf(Type type) =>
        type == typeof(byte) ? GgufValueType.UInt8
        : type == typeof(sbyte) ? GgufValueType.Int8
        : type == typeof(ushort) ? GgufValueType.UInt16
        : type == typeof(short) ? GgufValueType.Int16
        : type == typeof(uint) ? GgufValueType.UInt32
        : type == typeof(int) ? GgufValueType.Int32
        : type == typeof(float) ? GgufValueType.Float32
        : type == typeof(bool) ? GgufValueType.Bool
        : type == typeof(string) ? GgufValueType.String
        : type == typeof(ulong) ? GgufValueType.UInt64
        : type == typeof(long) ? GgufValueType.Int64
        : type == typeof(double) ? GgufValueType.Float64
        : type == typeof(GgufValue) ? GgufValueType.Array
        : throw new ArgumentException($"{type.Name} has no GGUF value type.", nameof(type));

    /// <summary>Wraps an array produced by the reader without copying it again.</summary>
    internal static GgufValue WrapArray(GgufValueType elementType, System.Array items) => new(GgufValueType.Array, items, elementType);

}
