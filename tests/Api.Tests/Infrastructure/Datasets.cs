using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Llm.Api.Tests.Infrastructure;

/// <summary>Small seeded datasets as JSON Lines or CSV text.</summary>
internal static class Datasets
{
    /// <summary>XOR of the signs of two coordinates: not linearly separable.</summary>
    public static string Xor(int rows, int seed = 1)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            double a = random.NextDouble() * 2 - 1, b = random.NextDouble() * 2 - 1;
            text.AppendLine(JsonSerializer.Serialize(new { features = new[] { a, b }, label = a * b > 0 ? "same" : "different" }));
        }
        return text.ToString();
    }

    /// <summary>Two Gaussian blobs in <paramref name="features"/> dimensions, as CSV with a label column.</summary>
    public static string BlobsCsv(int rows, int features, int seed = 2)
    {
        var random = new Random(seed);
        var text = new StringBuilder(string.Join(',', Enumerable.Range(0, features).Select(i => $"x{i}")) + ",label\n");
        for (var i = 0; i < rows; i++)
        {
            var label = i % 2;
            var values = Enumerable.Range(0, features).Select(_ => (label * 3 + random.NextDouble()).ToString(CultureInfo.InvariantCulture));
            text.Append(string.Join(',', values)).Append(',').Append(label == 0 ? "low" : "high").Append('\n');
        }
        return text.ToString();
    }

    /// <summary>y = 2 x0 - 3 x1 + 1 with a little noise.</summary>
    public static string Line(int rows, int seed = 3)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            double a = random.NextDouble() * 4 - 2, b = random.NextDouble() * 4 - 2;
            text.AppendLine(JsonSerializer.Serialize(new { features = new[] { a, b }, target = 2 * a - 3 * b + 1 + (random.NextDouble() - 0.5) * 0.01 }));
        }
        return text.ToString();
    }

    private static readonly string[] Words =
        ("the quick brown fox jumps over a lazy dog while people walk home in warm evening light and children " +
         "play near the river because summer has finally come to our small quiet town").Split(' ');

    private const string Symbols = "0123456789.,;:!?-+/()=%#";

    /// <summary>One English-like sentence or one string of digits and punctuation.</summary>
    public static (string Text, string Label) TextSample(Random random)
    {
        if (random.Next(2) == 0)
        {
            var words = Enumerable.Range(0, random.Next(4, 10)).Select(_ => Words[random.Next(Words.Length)]);
            var sentence = string.Join(' ', words);
            return (char.ToUpperInvariant(sentence[0]) + sentence[1..] + ".", "english");
        }
        var symbols = new string(Enumerable.Range(0, random.Next(6, 30)).Select(_ => Symbols[random.Next(Symbols.Length)]).ToArray());
        return (symbols, "symbols");
    }

    public static string Text(int rows, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            var (sample, label) = TextSample(random);
            text.AppendLine(JsonSerializer.Serialize(new { text = sample, label }));
        }
        return text.ToString();
    }
}
