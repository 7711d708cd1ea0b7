namespace Llm.Api.Errors;

/// <summary>
/// Route metadata: the wire names a protocol gives to the parts of a request that Runtime errors name in neutral
/// terms (<see cref="Llm.Runtime.Errors.InputPart"/>, <see cref="Llm.Runtime.Chat.Pipeline.ChatRequestPart"/>), so
/// one error reads <c>"param": "messages"</c> on chat completions, <c>"prompt[2]"</c> on completions and
/// <c>"input"</c> on the Responses API. Put on a route with <c>.WithMetadata(...)</c>; routes without it get
/// <see cref="Chat"/>.
/// </summary>
/// <param name="Prompt">The prompt or conversation.</param>
/// <param name="Tools">The tool definitions.</param>
/// <param name="OutputFormat">The output format.</param>
/// <param name="TemplateVariables">The extra chat-template variables.</param>
/// <param name="Reasoning">The reasoning options.</param>
/// <param name="LogitBias">The token biases.</param>
public sealed record ParameterNames(string Prompt, string Tools = "tools", string OutputFormat = "response_format",
    string TemplateVariables = "chat_template_kwargs", string Reasoning = "reasoning_effort", string LogitBias = "logit_bias")
{
    /// <summary>Gets the names of <c>/v1/chat/completions</c>.</summary>
    public static ParameterNames Chat { get; } = new("messages", OutputFormat: "response_format.json_schema.schema");

    /// <summary>The prompt's name, indexed when the request has several (<c>prompt[2]</c>).</summary>
    public string PromptAt(int? index) => index is { } i ? $"{Prompt}[{i}]" : Prompt;
}
