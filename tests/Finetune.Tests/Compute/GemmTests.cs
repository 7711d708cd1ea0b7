using Llm.Finetune.Compute;

namespace Llm.Finetune.Tests.Compute;

public class GemmTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(7, 64, 4)]
    [InlineData(8, 3, 33)]
    [InlineData(9, 17, 40)]
    [InlineData(256, 64, 128)]
    public void ProductsMatchNaiveLoops(int m, int k, int n)
    {
        var random = new Random(m * 1000 + k * 10 + n);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] bTall = Enumerable.Range(0, m * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();

        foreach (bool accumulate in new[] { false, true })
        {
            float[] c = Enumerable.Repeat(0.25f, m * n).ToArray();
            Gemm.Multiply(a, b, c, m, k, n, accumulate);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double expected = accumulate ? 0.25 : 0;
                    for (int p = 0; p < k; p++)
                    {
                        expected += (double)a[i * k + p] * b[p * n + j];
                    }

                    Assert.Equal(expected, c[i * n + j], 1e-4);
                }
            }

            float[] t = Enumerable.Repeat(0.25f, k * n).ToArray();
            Gemm.MultiplyTransposedA(a, bTall, t, m, k, n, accumulate);
            for (int p = 0; p < k; p++)
            {
                for (int j = 0; j < n; j++)
                {
                    double expected = accumulate ? 0.25 : 0;
                    for (int i = 0; i < m; i++)
                    {
                        expected += (double)a[i * k + p] * bTall[i * n + j];
                    }

                    Assert.Equal(expected, t[p * n + j], 1e-4);
                }
            }
        }
    }
}
