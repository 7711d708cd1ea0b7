using System.Text.Json;

namespace Llm.Runtime.Tests.Jinja;

/// <summary>Locates the shared golden chat-template data, which lives outside the repository.</summary>
internal static class GoldenData
{
    public static string Folder
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Llm.sln")))
            {
                dir = dir.Parent;
            }
            if (dir is null)
            {
                return Path.Combine(AppContext.BaseDirectory, "..", "shared", "templates");
            }
            return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "templates"));
        }
    }

    public static bool Exists => File.Exists(Path.Combine(Folder, "cases.json"));

    public static string MissingMessage =>
        $"Golden template data is missing: expected {Path.Combine(Folder, "cases.json")} " +
        "(the shared/templates folder beside the repository root, which CI provides).";

    public static JsonElement LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")));
        return doc.RootElement.GetProperty("cases").Clone();
    }

    public static string LoadTemplate(string name) => File.ReadAllText(Path.Combine(Folder, name));
}
