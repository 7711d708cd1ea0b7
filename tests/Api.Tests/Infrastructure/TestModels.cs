namespace Llm.Api.Tests.Infrastructure;

/// <summary>Where the test models are: the demo model is built per run, the tiny Llama 2 comes from ../shared/models.</summary>
internal static class TestModels
{
    public static string TinyLlama => Path.Combine(SharedFolder, "models", "llama-2-tiny-random.gguf");

    public static bool HasTinyLlama => File.Exists(TinyLlama);

    /// <summary>Fails the calling test with a clear message when ../shared is not beside the repository.</summary>
    public static void RequireTinyLlama()
        => Assert.True(HasTinyLlama, $"Missing test model {TinyLlama}: clone the repository next to the project's shared/ folder (CI always has it).");

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Llm.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException("Cannot find the repository root (Llm.sln) above " + AppContext.BaseDirectory);
        }
    }

    private static string SharedFolder => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
}
