using System.Text.Json;
using Llm.Runtime.Chat;
using Llm.Runtime.Chat.Pipeline;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Grammar;
using Llm.Runtime.Inference;
using Microsoft.Extensions.AI;

namespace Llm.Runtime.Extensions.AI;

/// <summary>Turns <see cref="ChatOptions"/> into engine parameters and tool definitions.</summary>
internal static class ChatOptionsMapper
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of extra template variables (a dictionary or a JSON object), named as OpenAI-compatible servers name the field.</summary>
    public const string TemplateKwargsKey = "chat_template_kwargs";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that asks for the final assistant message to be continued (a boolean).</summary>
    public const string ContinueFinalMessageKey = "continue_final_message";

    /// <summary>The render options: tools, extra template variables and assistant prefill from <see cref="ChatOptions.AdditionalProperties"/>.</summary>
    /// <exception cref="ArgumentException">An additional property of the wrong shape.</exception>
    public static ChatRenderOptions RenderOptions(ChatOptions? options, IReadOnlyList<JsonElement>? tools)
    {
        var properties = options?.AdditionalProperties;
        var continues = properties?.TryGetValue(ContinueFinalMessageKey, out var flag) == true && flag switch
        {
            null => false,
            bool b => b,
            JsonElement { ValueKind: JsonValueKind.True or JsonValueKind.False } e => e.GetBoolean(),
            _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{ContinueFinalMessageKey}\"] must be a boolean.", nameof(options)),
        };
        return new ChatRenderOptions
        {
            Tools = tools,
            AddGenerationPrompt = !continues,
            ContinueFinalMessage = continues,
            TemplateVariables = properties?.TryGetValue(TemplateKwargsKey, out var kwargs) == true ? TemplateVariables(kwargs) : null,
        };
    }

    private static Dictionary<string, JsonElement>? TemplateVariables(object? value)
    {
        if (value is null) return null;
        JsonElement element;
        try
        {
            element = value is JsonElement e ? e : JsonSerializer.SerializeToElement(value, value.GetType(), AIJsonUtilities.DefaultOptions);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException)
        {
            throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{TemplateKwargsKey}\"] cannot be turned into JSON: {ex.Message}", "options", ex);
        }
        if (element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.Object)
            throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{TemplateKwargsKey}\"] must be a dictionary or a JSON object of template variables.", "options");
        var variables = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject()) variables[property.Name] = property.Value;
        return variables;
    }

    public static SamplingParams ToSampling(ChatOptions? options) => new()
    {
        Temperature = options?.Temperature ?? 1f,
        TopP = options?.TopP ?? 1f,
        TopK = options?.TopK ?? 0,
        PresencePenalty = options?.PresencePenalty ?? 0f,
        FrequencyPenalty = options?.FrequencyPenalty ?? 0f,
        Seed = options?.Seed is { } seed ? unchecked((ulong)seed) : null,
    };

    /// <summary>The output format of a JSON response format, or null for text.</summary>
    public static ChatOutputFormat? OutputFormat(ChatOptions? options) => options?.ResponseFormat switch
    {
        ChatResponseFormatJson { Schema: { } schema } => ChatOutputFormat.JsonSchema(schema),
        ChatResponseFormatJson => ChatOutputFormat.JsonObject,
        _ => null,
    };

    /// <summary>The reasoning options: <see cref="ChatOptions.Reasoning"/>'s effort, in the lower-case names servers use.</summary>
    public static ChatReasoningOptions Reasoning(ChatOptions? options) => options?.Reasoning?.Effort switch
    {
        null => ChatReasoningOptions.Default,
        ReasoningEffort.None => new ChatReasoningOptions(Effort: "none"),
        ReasoningEffort.Low => new ChatReasoningOptions(Effort: "low"),
        ReasoningEffort.Medium => new ChatReasoningOptions(Effort: "medium"),
        ReasoningEffort.High => new ChatReasoningOptions(Effort: "high"),
        ReasoningEffort.ExtraHigh => new ChatReasoningOptions(Effort: "xhigh"),
        var other => throw new ArgumentException($"ChatOptions.Reasoning.Effort {other} is not known.", nameof(options)),
    };

    /// <summary>The functions among the options' tools, in the shape chat templates read, and how they must be used.</summary>
    public static ChatToolOptions? Tools(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools || options.ToolMode is NoneChatToolMode) return null;
        var result = new List<JsonElement>();
        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration function) continue;
            var definition = new Dictionary<string, object?>
            {
                ["type"] = "function",
                ["function"] = new Dictionary<string, object?>
                {
                    ["name"] = function.Name,
                    ["description"] = function.Description,
                    ["parameters"] = function.JsonSchema,
                },
            };
            result.Add(JsonSerializer.SerializeToElement(definition, AIJsonUtilities.DefaultOptions));
        }
        if (result.Count == 0) return null;
        var parallel = options.AllowMultipleToolCalls ?? true;
        return options.ToolMode switch
        {
            RequiredChatToolMode { RequiredFunctionName: { } name } => new ChatToolOptions(result, ToolChoice.Named, name, false),
            RequiredChatToolMode => new ChatToolOptions(result, ToolChoice.Required, null, parallel),
            _ => new ChatToolOptions(result, ToolChoice.Auto, null, parallel),
        };
    }
}
