namespace Llm.Tests.Families;

/// <summary>
/// llama.cpp's tokenizer test vectors (<c>../shared/tokenizer-tests</c>, see its README): <c>NAME.inp</c> holds the
/// inputs, each followed by the line <c>__ggml_vocab_test__</c>; <c>NAME.out</c> one line of expected ids per input.
/// </summary>
internal static class TokenizerVectors
{
    private const string Separator = "\n__ggml_vocab_test__\n";

    /// <summary>The inputs of a vector file (a path, or a name in ../shared/tokenizer-tests).</summary>
    public static List<string> Inputs(string pathOrName)
    {
        var path = File.Exists(pathOrName) ? pathOrName : Path.Combine(FamilyModels.SharedFolder, "tokenizer-tests", pathOrName + ".inp");
        var inputs = File.ReadAllText(path).Split(Separator).ToList();
        // The file ends with a separator, so the last part is empty and not an input.
        if (inputs[^1].Length != 0) throw new InvalidDataException($"{path} does not end with the separator line.");
        inputs.RemoveAt(inputs.Count - 1);
        return inputs;
    }

    /// <summary>The inputs of <c>NAME.inp</c> and their expected ids from <c>NAME.out</c>.</summary>
    public static (List<string> Inputs, List<int[]> Ids) Read(string name)
    {
        var inputs = Inputs(name);
        var lines = File.ReadAllLines(Path.Combine(FamilyModels.SharedFolder, "tokenizer-tests", name + ".out"));
        if (lines.Length != inputs.Count) throw new InvalidDataException($"{name}: {inputs.Count} inputs but {lines.Length} lines of ids.");
        return (inputs, [.. lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray())]);
    }
}
