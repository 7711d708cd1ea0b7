namespace Llm.Api.Hosting;

/// <summary>Default model names.</summary>
public static class ModelNames
{
    /// <summary>Names a model after its file, without the .gguf extension.</summary>
    public static string FromPath(string path)
    {
        var name = Path.GetFileName(path.TrimEnd('/', '\\'));
        return name.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? name[..^5] : name;
    }
}
