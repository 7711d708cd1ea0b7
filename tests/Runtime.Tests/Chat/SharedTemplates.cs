using Llm.Runtime.Tests.Gguf;

namespace Llm.Runtime.Tests.Chat;

/// <summary>The real model templates in ../shared/templates (read, never copied into the repository).</summary>
internal static class SharedTemplates
{
    public static string Read(string file)
    {
        var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(SharedModels.TinyLlama)!, "..", "templates", file));
        Assert.True(File.Exists(path), $"Missing shared template {path}: clone the repository next to the project's shared/ folder.");
        return File.ReadAllText(path);
    }

    public static string PathOf(string file)
    {
        Read(file);
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(SharedModels.TinyLlama)!, "..", "templates", file));
    }
}
