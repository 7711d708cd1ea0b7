using System.Text.Json;

namespace Llm.Runtime.Chat;

/// <summary>
/// Builds the variables a Hugging Face chat template reads: <c>messages</c> (with tool-call arguments parsed
/// from OpenAI's JSON strings into objects, as templates expect), <c>tools</c>, <c>add_generation_prompt</c>,
/// <c>bos_token</c> and <c>eos_token</c>, plus the caller's extra variables (<see cref="ChatRenderOptions.TemplateVariables"/>),
/// which it checks and merges.
/// </summary>
public static class ChatTemplateVariables
{
    /// <summary>
    /// The most levels of arrays and objects one extra variable's value may nest: 32, far beyond what templates read
    /// (Command R's <c>documents</c> nest two) and below the bounds of the request reader (64) and the Jinja engine (128).
    /// </summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// The most size all extra variables together may have: 1,048,576, counted as the characters of their names,
    /// property names and strings plus one per value, about the length of their JSON text.
    /// </summary>
    public const int MaxSize = 1 << 20;

    /// <summary>
    /// Gets the names an extra variable may not take: those the renderer sets itself (<c>messages</c>, <c>tools</c>,
    /// <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c>) and the functions every template calls
    /// (<c>raise_exception</c>, <c>strftime_now</c>, <c>range</c>, <c>namespace</c>, <c>dict</c>).
    /// </summary>
    public static IReadOnlySet<string> Reserved { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "messages", "tools", "add_generation_prompt", "bos_token", "eos_token",
        "raise_exception", "strftime_now", "range", "namespace", "dict",
    };

    /// <summary>Combines default variables with a caller's own, key by key (the caller's win), and checks the result.</summary>
    /// <param name="defaults">The defaults (for example the server's), or null.</param>
    /// <param name="overrides">The caller's variables, or null.</param>
    /// <returns>The merged variables, or null when neither gives any.</returns>
    /// <exception cref="ChatTemplateVariableException">A reserved name, or values nested deeper than <see cref="MaxDepth"/> or larger than <see cref="MaxSize"/>.</exception>
    public static IReadOnlyDictionary<string, JsonElement>? Merge(IReadOnlyDictionary<string, JsonElement>? defaults, IReadOnlyDictionary<string, JsonElement>? overrides)
    {
        if (defaults is not { Count: > 0 }) return Checked(overrides is { Count: > 0 } ? overrides : null);
        if (overrides is not { Count: > 0 }) return Checked(defaults);
        var merged = new Dictionary<string, JsonElement>(defaults, StringComparer.Ordinal);
        foreach (var (name, value) in overrides) merged[name] = value;
        return Checked(merged);
    }

    /// <summary>Checks extra variables.</summary>
    /// <exception cref="ChatTemplateVariableException">A reserved name, or values nested deeper than <see cref="MaxDepth"/> or larger than <see cref="MaxSize"/>.</exception>
    public static void Validate(IReadOnlyDictionary<string, JsonElement> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        long size = 0;
        foreach (var (name, value) in variables)
        {
            if (Reserved.Contains(name))
                throw new ChatTemplateVariableException($"'{name}' cannot be given as a template variable: the server sets it itself.", name);
            size += name.Length + Measure(value, name, 1);
            if (size > MaxSize)
                throw new ChatTemplateVariableException($"The template variables are larger than {MaxSize} characters (names, strings and one per value).", name);
        }
    }

    internal static Dictionary<string, object?> Create(IReadOnlyList<ChatPromptMessage> messages, ChatRenderOptions options, SpecialTokenText tokens, bool normalizeToolCallIds)
    {
        var list = new List<object?>(messages.Count);
        foreach (var message in messages) list.Add(ToDictionary(message, normalizeToolCallIds));
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        // Extra variables first; Validate has kept them off the names set below.
        if (options.TemplateVariables is { } extra)
        {
            foreach (var (name, value) in extra) variables[name] = value;
        }
        variables["messages"] = list;
        variables["tools"] = options.Tools is { Count: > 0 } tools ? tools.Select(t => (object?)t).ToList() : null;
        variables["add_generation_prompt"] = options.AddGenerationPrompt;
        variables["bos_token"] = tokens.Bos;
        variables["eos_token"] = tokens.Eos;
        return variables;
    }

    private static IReadOnlyDictionary<string, JsonElement>? Checked(IReadOnlyDictionary<string, JsonElement>? variables)
    {
        if (variables is not null) Validate(variables);
        return variables;
    }

    // Walks at most MaxDepth levels, so a value nested a million deep costs nothing and overflows no stack.
    private static long Measure(JsonElement value, string name, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object or JsonValueKind.Array when depth > MaxDepth:
                throw new ChatTemplateVariableException($"The template variable '{name}' nests more than {MaxDepth} levels of arrays and objects.", name);
            case JsonValueKind.Object:
                long objectSize = 1;
                foreach (var property in value.EnumerateObject())
                {
                    objectSize += property.Name.Length + Measure(property.Value, name, depth + 1);
                    if (objectSize > MaxSize) break;
                }
                return objectSize;
            case JsonValueKind.Array:
                long arraySize = 1;
                foreach (var item in value.EnumerateArray())
                {
                    arraySize += Measure(item, name, depth + 1);
                    if (arraySize > MaxSize) break;
                }
                return arraySize;
            case JsonValueKind.String:
                return 1 + value.GetString()!.Length;
            case JsonValueKind.Undefined:
                throw new ChatTemplateVariableException($"The template variable '{name}' has no value.", name);
            default:
                return 1;
        }
    }

    private static Dictionary<string, object?> ToDictionary(ChatPromptMessage message, bool normalizeIds)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            // OpenAI's "developer" is the system role under a new name; templates only know "system".
            ["role"] = message.Role == "developer" ? "system" : message.Role,
            ["content"] = message.Content ?? (message.ToolCalls is { Count: > 0 } ? string.Empty : null),
        };
        if (message.Name is not null) result["name"] = message.Name;
        if (message.ReasoningContent is not null) result["reasoning_content"] = message.ReasoningContent;
        if (message.ToolCalls is { Count: > 0 } calls)
        {
            result["tool_calls"] = calls.Select(call => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = normalizeIds ? ToolCallIds.Normalize(call.Id) : call.Id,
                ["type"] = "function",
                ["function"] = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["name"] = call.Name,
                    ["arguments"] = ParseArguments(call.Arguments),
                },
            }).ToList();
        }
        if (message.ToolCallId is not null) result["tool_call_id"] = normalizeIds ? ToolCallIds.Normalize(message.ToolCallId) : message.ToolCallId;
        return result;
    }

    // Templates iterate arguments as a mapping (arguments|items, tojson); text that is not JSON stays text.
    private static object? ParseArguments(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return arguments;
        }
    }
}
