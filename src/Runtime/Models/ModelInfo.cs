namespace Llm.Runtime.Models;

/// <summary>What a loaded model is, read from its GGUF metadata.</summary>
/// <param name="Name">The name clients use.</param>
/// <param name="Architecture">general.architecture, e.g. <c>llama</c>.</param>
/// <param name="ParameterCount">Number of parameters.</param>
/// <param name="SizeBytes">Size of the weights in bytes.</param>
/// <param name="Quantization">The file type, e.g. <c>Q4_K_M</c> or <c>F16</c>.</param>
/// <param name="TrainingContextLength">The context length the model was trained with.</param>
/// <param name="ContextSize">The context size this server runs it with.</param>
/// <param name="ChatTemplate">The model's own chat template text, if any.</param>
/// <param name="ChatTemplateSource">Which template renders chat prompts: override, model or fallback.</param>
/// <param name="Created">When the model file was last written, in Unix seconds.</param>
public sealed record ModelInfo(
    string Name,
    string Architecture,
    ulong ParameterCount,
    ulong SizeBytes,
    string Quantization,
    int TrainingContextLength,
    int ContextSize,
    string? ChatTemplate,
    string ChatTemplateSource,
    long Created);
