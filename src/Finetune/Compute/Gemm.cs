using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Llm.Finetune.Compute;

/// <summary>
/// Row-major single-precision matrix products for the training hot loop.
/// Every product is expressed as "output row += scalar * contiguous row of B" so the inner loop
/// streams over contiguous memory; two output rows share each load of B and the partial sums
/// stay in registers (2 rows x 4 vectors) instead of round-tripping through memory.
/// </summary>
internal static class Gemm
{
    /// <summary>C (m x n) = A (m x k) * B (k x n), or C += A * B when <paramref name="accumulate"/>.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        Check(a, (long)m * k, b, (long)k * n, c, (long)m * n);
        if (n >= Vector<float>.Count || k < Vector<float>.Count)
        {
            Core(a, k, 1, b, c, m, k, n, accumulate);
            return;
        }

        // Too few output columns to fill a vector (a classifier's last layer): dot products along k vectorise instead.
        Span<float> bt = Scratch(k * n);
        Transpose(b, bt, k, n);
        Dots(a, bt, c, m, k, n, accumulate);
    }

    /// <summary>c[i, j] (+)= dot(row i of a, row j of bt); a is m x k, bt is n x k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots(ReadOnlySpan<float> a, ReadOnlySpan<float> bt, Span<float> c, int m, int k, int n, bool accumulate)
    {
        int w = Vector<float>.Count;
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<float> row = a.Slice(i * k, k);
            Span<float> output = c.Slice(i * n, n);
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<float> column = bt.Slice(j * k, k);
                Vector<float> sum = Vector<float>.Zero;
                int p = 0;
                for (; p + w <= k; p += w)
                {
                    sum = Vector.FusedMultiplyAdd(new Vector<float>(row.Slice(p)), new Vector<float>(column.Slice(p)), sum);
                }

                float dot = Vector.Sum(sum);
                for (; p < k; p++)
                {
                    dot = MathF.FusedMultiplyAdd(row[p], column[p], dot);
                }

                output[j] = accumulate ? output[j] + dot : dot;
            }
        }
    }

    /// <summary>C (k x n) = transpose(A) * B where A is m x k and B is m x n (a weight gradient).</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        Check(a, (long)m * k, b, (long)m * n, c, (long)k * n);
        if (n >= Vector<float>.Count || k < Vector<float>.Count)
        {
            Core(a, 1, k, b, c, k, m, n, accumulate);
            return;
        }

        // Narrow B (a classifier's last layer): compute the n x k transpose, whose rows are long enough to vectorise.
        Span<float> ct = Scratch(k * n);
        Core(b, 1, n, a, ct, n, m, k, accumulate: false);
        for (int p = 0; p < k; p++)
        {
            Span<float> output = c.Slice(p * n, n);
            for (int j = 0; j < n; j++)
            {
                output[j] = accumulate ? output[j] + ct[j * k + p] : ct[j * k + p];
            }
        }
    }

    [ThreadStatic]
    private static float[]? t_scratch;

    /// <summary>Per-thread buffer that grows to the largest request and is then reused, keeping products allocation-free.</summary>
    private static Span<float> Scratch(int length)
    {
        if (t_scratch is null || t_scratch.Length < length)
        {
            t_scratch = new float[length];
        }

        return t_scratch.AsSpan(0, length);
    }

    /// <summary>Writes the n x m transpose of the m x n matrix <paramref name="source"/>.</summary>
    public static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int m, int n)
    {
        if (source.Length < (long)m * n || destination.Length < (long)m * n)
        {
            throw new ArgumentException("Buffers are smaller than the matrix shape.");
        }

        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<float> row = source.Slice(i * n, n);
            for (int j = 0; j < n; j++)
            {
                destination[j * m + i] = row[j];
            }
        }
    }

    private static void Check(ReadOnlySpan<float> a, long aLength, ReadOnlySpan<float> b, long bLength, Span<float> c, long cLength)
    {
        // The kernel uses unchecked references, so shapes are validated once per call here.
        if (a.Length < aLength || b.Length < bLength || c.Length < cLength)
        {
            throw new ArgumentException("Buffers are smaller than the matrix shapes.");
        }
    }

    /// <summary>
    /// out(i, :) (+)= sum over r of A'(i, r) * B(r, :), where A'(i, r) = a[i * rowStride + r * reductionStride].
    /// The strides let the same kernel read A either directly or transposed without copying it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Core(ReadOnlySpan<float> aSpan, int rowStride, int reductionStride, ReadOnlySpan<float> bSpan, Span<float> cSpan,
        int rows, int reduction, int n, bool accumulate)
    {
        ref float a = ref MemoryMarshal.GetReference(aSpan);
        ref float b = ref MemoryMarshal.GetReference(bSpan);
        ref float c = ref MemoryMarshal.GetReference(cSpan);
        int i = 0;
        for (; i + 1 < rows; i += 2)
        {
            ref float a0 = ref Unsafe.Add(ref a, (nint)i * rowStride);
            ref float a1 = ref Unsafe.Add(ref a0, rowStride);
            ref float c0 = ref Unsafe.Add(ref c, (nint)i * n);
            ref float c1 = ref Unsafe.Add(ref c0, n);
            TwoRows(ref a0, ref a1, reductionStride, ref b, ref c0, ref c1, reduction, n, accumulate);
        }

        if (i < rows)
        {
            ref float a0 = ref Unsafe.Add(ref a, (nint)i * rowStride);
            ref float c0 = ref Unsafe.Add(ref c, (nint)i * n);
            OneRow(ref a0, reductionStride, ref b, ref c0, reduction, n, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TwoRows(ref float a0, ref float a1, int stride, ref float b, ref float c0, ref float c1, int reduction, int n, bool accumulate)
    {
        int w = Vector<float>.Count;
        int j = 0;
        for (; j + 4 * w <= n; j += 4 * w)
        {
            nuint o = (nuint)j;
            Vector<float> x0 = Load(ref c0, o, accumulate), x1 = Load(ref c0, o + (nuint)w, accumulate);
            Vector<float> x2 = Load(ref c0, o + (nuint)(2 * w), accumulate), x3 = Load(ref c0, o + (nuint)(3 * w), accumulate);
            Vector<float> y0 = Load(ref c1, o, accumulate), y1 = Load(ref c1, o + (nuint)w, accumulate);
            Vector<float> y2 = Load(ref c1, o + (nuint)(2 * w), accumulate), y3 = Load(ref c1, o + (nuint)(3 * w), accumulate);
            for (int r = 0; r < reduction; r++)
            {
                var s0 = new Vector<float>(Unsafe.Add(ref a0, (nint)r * stride));
                var s1 = new Vector<float>(Unsafe.Add(ref a1, (nint)r * stride));
                ref float br = ref Unsafe.Add(ref b, (nint)r * n + j);
                Vector<float> b0 = Vector.LoadUnsafe(ref br), b1 = Vector.LoadUnsafe(ref br, (nuint)w);
                Vector<float> b2 = Vector.LoadUnsafe(ref br, (nuint)(2 * w)), b3 = Vector.LoadUnsafe(ref br, (nuint)(3 * w));
                x0 = Vector.FusedMultiplyAdd(b0, s0, x0);
                x1 = Vector.FusedMultiplyAdd(b1, s0, x1);
                x2 = Vector.FusedMultiplyAdd(b2, s0, x2);
                x3 = Vector.FusedMultiplyAdd(b3, s0, x3);
                y0 = Vector.FusedMultiplyAdd(b0, s1, y0);
                y1 = Vector.FusedMultiplyAdd(b1, s1, y1);
                y2 = Vector.FusedMultiplyAdd(b2, s1, y2);
                y3 = Vector.FusedMultiplyAdd(b3, s1, y3);
            }

            x0.StoreUnsafe(ref c0, o); x1.StoreUnsafe(ref c0, o + (nuint)w);
            x2.StoreUnsafe(ref c0, o + (nuint)(2 * w)); x3.StoreUnsafe(ref c0, o + (nuint)(3 * w));
            y0.StoreUnsafe(ref c1, o); y1.StoreUnsafe(ref c1, o + (nuint)w);
            y2.StoreUnsafe(ref c1, o + (nuint)(2 * w)); y3.StoreUnsafe(ref c1, o + (nuint)(3 * w));
        }

        for (; j + w <= n; j += w)
        {
            Vector<float> x = Load(ref c0, (nuint)j, accumulate), y = Load(ref c1, (nuint)j, accumulate);
            for (int r = 0; r < reduction; r++)
            {
                Vector<float> bv = Vector.LoadUnsafe(ref Unsafe.Add(ref b, (nint)r * n + j));
                x = Vector.FusedMultiplyAdd(bv, new Vector<float>(Unsafe.Add(ref a0, (nint)r * stride)), x);
                y = Vector.FusedMultiplyAdd(bv, new Vector<float>(Unsafe.Add(ref a1, (nint)r * stride)), y);
            }

            x.StoreUnsafe(ref c0, (nuint)j);
            y.StoreUnsafe(ref c1, (nuint)j);
        }

        for (; j < n; j++)
        {
            float x = accumulate ? Unsafe.Add(ref c0, j) : 0f, y = accumulate ? Unsafe.Add(ref c1, j) : 0f;
            for (int r = 0; r < reduction; r++)
            {
                float bv = Unsafe.Add(ref b, (nint)r * n + j);
                x = MathF.FusedMultiplyAdd(Unsafe.Add(ref a0, (nint)r * stride), bv, x);
                y = MathF.FusedMultiplyAdd(Unsafe.Add(ref a1, (nint)r * stride), bv, y);
            }

            Unsafe.Add(ref c0, j) = x;
            Unsafe.Add(ref c1, j) = y;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneRow(ref float a0, int stride, ref float b, ref float c0, int reduction, int n, bool accumulate)
    {
        int w = Vector<float>.Count;
        int j = 0;
        for (; j + w <= n; j += w)
        {
            Vector<float> x = Load(ref c0, (nuint)j, accumulate);
            for (int r = 0; r < reduction; r++)
            {
                Vector<float> bv = Vector.LoadUnsafe(ref Unsafe.Add(ref b, (nint)r * n + j));
                x = Vector.FusedMultiplyAdd(bv, new Vector<float>(Unsafe.Add(ref a0, (nint)r * stride)), x);
            }

            x.StoreUnsafe(ref c0, (nuint)j);
        }

        for (; j < n; j++)
        {
            float x = accumulate ? Unsafe.Add(ref c0, j) : 0f;
            for (int r = 0; r < reduction; r++)
            {
                x = MathF.FusedMultiplyAdd(Unsafe.Add(ref a0, (nint)r * stride), Unsafe.Add(ref b, (nint)r * n + j), x);
            }

            Unsafe.Add(ref c0, j) = x;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(ref float row, nuint offset, bool accumulate) =>
        accumulate ? Vector.LoadUnsafe(ref row, offset) : Vector<float>.Zero;
}
