using Llm.Runtime.Chat.Tools;
using Llm.Runtime.Grammar;
using Llm.Runtime.Inference;

namespace Llm.Runtime.Chat.Pipeline;

/// <summary>The grammar a request's tools and output format impose on the output, or null for free text.</summary>
internal static class ChatOutputGrammar
{
    /// <exception cref="ChatRequestException">A tool's parameters or the output format's schema cannot be enforced.</exception>
    public static GrammarSpec? Build(ChatToolOptions? tools, ChatOutputFormat? output, ToolCallFormat format)
    {
        // A required or named tool call leaves no content answer for the output format to govern.
        if (tools is { Choice: not ToolChoice.Auto })
        {
            try
            {
                return ToolCallGrammar.Build(tools.Tools, format, tools.ForcedName, tools.Parallel && tools.Choice != ToolChoice.Named);
            }
            catch (JsonSchemaGrammarException ex)
            {
                throw new ChatRequestException(ChatRequestPart.Tools, $"A tool's parameter schema cannot be enforced: {ex.Message}", "invalid_json_schema", ex);
            }
        }
        try
        {
            return output?.Kind switch
            {
                ChatOutputKind.JsonObject => new GrammarSpec(JsonSchemaGrammar.AnyJsonObject),
                ChatOutputKind.JsonSchema when output.Schema is { } schema => new GrammarSpec(JsonSchemaGrammar.FromSchema(schema)),
                ChatOutputKind.JsonSchema => new GrammarSpec(JsonSchemaGrammar.AnyJsonObject),
                _ => null,
            };
        }
        catch (JsonSchemaGrammarException ex)
        {
            throw new ChatRequestException(ChatRequestPart.OutputFormat, $"Invalid schema for the output format: {ex.Message}", "invalid_json_schema", ex);
        }
    }
}
