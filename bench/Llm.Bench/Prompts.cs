namespace Llm.Bench;

/// <summary>Prompts as token ids: BOS then ordinary tokens of the Llama 2 vocabulary, reproducible by seed.</summary>
internal static class Prompts
{
    public static int[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var tokens = new int[length];
        tokens[0] = 1;
        for (var i = 1; i < length; i++) tokens[i] = random.Next(1000, 29000);
        return tokens;
    }

    public static int[] Concat(int[] prefix, int[] suffix) => [.. prefix, .. suffix[1..]];
}
