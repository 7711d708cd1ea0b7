namespace Llm.Runtime.Chat.Tools;

/// <summary>How a model writes tool calls in its output, as its chat template teaches it.</summary>
public enum ToolCallFormat
{
    /// <summary>Hermes and Qwen: <c>&lt;tool_call&gt;{"name": …, "arguments": {…}}&lt;/tool_call&gt;</c>, one block per call. Also the generic format this server teaches models whose template has no tool section.</summary>
    Hermes,

    /// <summary>Llama 3.x: a bare JSON object <c>{"name": …, "parameters": {…}}</c>, possibly after <c>&lt;|python_tag|&gt;</c>.</summary>
    Llama3Json,

    /// <summary>Mistral: <c>[TOOL_CALLS][{"name": …, "arguments": {…}}, …]</c>.</summary>
    Mistral,

    /// <summary>Command R: <c>&lt;|START_ACTION|&gt;[{"tool_name": …, "parameters": {…}}]&lt;|END_ACTION|&gt;</c>.</summary>
    CommandR,
}
