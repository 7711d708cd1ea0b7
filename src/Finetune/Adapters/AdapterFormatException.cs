namespace Llm.Finetune.Adapters;

/// <summary>An adapter file is truncated, corrupted, of an unknown version or internally inconsistent.</summary>
public sealed class AdapterFormatException : IOException
{
    public AdapterFormatException(string path, string problem, Exception? inner = null)
        : base($"Invalid adapter file '{path}': {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    public string Path { get; }

    public string Problem { get; }
}
