using System.Text.Json;
using Llm.Runtime.Chat;

namespace Llm.Api.Hosting;

/// <summary>Reads <c>--chat-template-kwargs</c> (<c>Llm:ChatTemplateKwargs</c>): a JSON object of default chat-template variables.</summary>
public static class TemplateKwargsOption
{
    /// <summary>Parses and checks the option's text.</summary>
    /// <returns>The variables, or null when the option is unset or an empty object.</returns>
    /// <exception cref="ArgumentException">The text is not a JSON object, or the variables cannot be used (the one-line message says why).</exception>
    public static IReadOnlyDictionary<string, JsonElement>? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        const string Expected = "--chat-template-kwargs must be a JSON object of template variables, such as '{\"enable_thinking\":false}'";
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{Expected}: {ex.Message.ReplaceLineEndings(" ")}");
        }
        if (root.ValueKind != JsonValueKind.Object) throw new ArgumentException($"{Expected} (got a JSON {root.ValueKind.ToString().ToLowerInvariant()}).");
        var variables = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject()) variables[property.Name] = property.Value;
        try
        {
            return ChatTemplateVariables.Merge(variables, null);
        }
        catch (ChatTemplateVariableException ex)
        {
            throw new ArgumentException($"--chat-template-kwargs: {ex.Message}");
        }
    }
}
