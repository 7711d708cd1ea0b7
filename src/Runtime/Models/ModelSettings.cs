namespace Llm.Runtime.Models;

/// <summary>How to load one model and size its engine.</summary>
public sealed record ModelSettings
{
    /// <summary>Gets the name clients use in the <c>model</c> field.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the path of the GGUF file.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the context size in tokens (KV cells shared by all sequences); 0 uses the model's training context.</summary>
    public int ContextSize { get; init; } = 4096;

    /// <summary>Gets the number of layers offloaded to the GPU; negative means all.</summary>
    public int GpuLayers { get; init; }

    /// <summary>Gets the CPU threads; 0 means the machine's physical cores.</summary>
    public int Threads { get; init; }

    /// <summary>Gets the most tokens decoded per step.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Gets the most sequences generated together.</summary>
    public int Parallel { get; init; } = 4;

    /// <summary>Gets the most requests that may wait beyond the running ones before the server answers 503.</summary>
    public int MaxQueue { get; init; } = 64;

    /// <summary>Gets the most prompt prefixes kept for reuse after their requests end; null means as many as <see cref="Parallel"/>, 0 turns the prefix cache off.</summary>
    public int? CacheSlots { get; init; }

    /// <summary>Gets a chat template override: a llama.cpp built-in name or template text.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>
    /// Gets the names of the server-wide template variables (<c>--chat-template-kwargs</c>); used only to warn at
    /// load when the model's template is a llama.cpp built-in format, which reads no variables.
    /// </summary>
    public IReadOnlyList<string> DefaultTemplateVariableNames { get; init; } = [];

    /// <summary>Gets a value indicating whether <see cref="GpuLayers"/> is computed from the GGUF and the device's free memory.</summary>
    public bool GpuLayersAuto { get; init; }

    /// <summary>Gets a value indicating whether the model loads when the server starts rather than on first use.</summary>
    public bool LoadOnStart { get; init; } = true;

    /// <summary>Gets the most prompt tokens one request may send; 0 means only the context size limits it.</summary>
    public int MaxPromptTokens { get; init; }
}
