namespace Llm.Runtime.Tests.Gguf;

/// <summary>Paths of the real GGUF files in ../shared/models (outside the repository, see its README).</summary>
internal static class SharedModels
{
    public static string TinyLlama => Path.Combine(Folder, "llama-2-tiny-random.gguf");

    /// <summary>Walks up from the test binaries to the folder holding both the repository and shared/.</summary>
    private static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "models");
                if (Directory.Exists(candidate))
                    return candidate;
            }
            return Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/models"));
        }
    }
}
