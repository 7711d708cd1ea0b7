using System.Text.Json;
using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Grammar;
using Llm.Runtime.Inference;
using Microsoft.Extensions.AI;

namespace Llm.Runtime.Extensions.AI;

/// <summary>Turns <see cref="ChatOptions"/> into engine parameters and tool definitions.</summary>
internal static class ChatOptionsMapper
{
    public static SamplingParams ToSampling(ChatOptions? options) => new()
    {
        Temperature = options?.Temperature ?? 1f,
        TopP = options?.TopP ?? 1f,
        TopK = options?.TopK ?? 0,
        PresencePenalty = options?.PresencePenalty ?? 0f,
        FrequencyPenalty = options?.FrequencyPenalty ?? 0f,
        Seed = options?.Seed is { } seed ? unchecked((ulong)seed) : null,
    };

    /// <summary>The grammar a JSON response format or a required tool call imposes, or null.</summary>
    public static GrammarSpec? Grammar(ChatOptions? options, IReadOnlyList<JsonElement>? tools, ToolCallFormat format)
    {
        if (tools is not null && options?.ToolMode is RequiredChatToolMode required)
            return ToolCallGrammar.Build(tools, format, required.RequiredFunctionName, options.AllowMultipleToolCalls ?? true);
        return options?.ResponseFormat switch
        {
            ChatResponseFormatJson { Schema: { } schema } => new GrammarSpec(JsonSchemaGrammar.FromSchema(schema)),
            ChatResponseFormatJson => new GrammarSpec(JsonSchemaGrammar.AnyJsonObject),
            _ => null,
        };
    }

    /// <summary>The functions among the options' tools, in OpenAI's tool shape (what chat templates read).</summary>
    public static IReadOnlyList<JsonElement>? Tools(ChatOptions? options)
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
        return result.Count > 0 ? result : null;
    }
}
