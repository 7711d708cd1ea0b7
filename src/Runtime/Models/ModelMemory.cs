using Llm.Runtime.Gguf;
using Llm.Runtime.Hosting;
using Llm.Runtime.Models.Planning;
using Microsoft.Extensions.Logging;

namespace Llm.Runtime.Models;

/// <summary>Memory estimates for the registry's budget and the <c>--gpu-layers auto</c> plan, from the GGUF header.</summary>
internal static partial class ModelMemory
{
    /// <summary>Estimates weights plus KV cache in bytes; the file size when the header cannot be read (the load will say why).</summary>
    public static long Estimate(ModelSettings settings)
    {
        try
        {
            // Validated first: the footprint sizes arrays by block_count, which a hostile file sets to billions.
            var file = GgufValidator.ValidateFile(settings.Path);
            var footprint = ModelFootprint.From(file);
            return footprint.WeightBytes + footprint.KvBytes(ContextTokens(settings, file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or FormatException
                                   or EndOfStreamException or OverflowException or ArgumentException or InvalidOperationException)
        {
            return File.Exists(settings.Path) ? new FileInfo(settings.Path).Length : 0;
        }
    }

    /// <summary>Replaces an automatic GPU layer count by a planned one; other settings pass through.</summary>
    public static ModelSettings ResolveGpuLayers(ModelSettings settings, ILoggerFactory loggerFactory, ILogger logger)
    {
        if (!settings.GpuLayersAuto) return settings;
        // The gate first, so a hostile file is refused with the same one-line reason as without GPU planning.
        ModelFileCheck.EnsureValid(settings.Path);
        GgufFile file;
        try
        {
            file = GgufReader.ReadFile(settings.Path);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new ModelLoadException($"Cannot read the GGUF header of '{settings.Path}' to plan GPU layers: {ex.Message}", ex);
        }
        NativeBackend.EnsureConfigured(loggerFactory);
        var free = BackendDevices.FreeGpuBytes(BackendDevices.List());
        var plan = GpuLayerPlanner.Plan(ModelFootprint.From(file), ContextTokens(settings, file), free);
        LogPlan(logger, settings.Name, plan.Layers, plan.Reason);
        return settings with { GpuLayers = plan.Layers, GpuLayersAuto = false };
    }

    private static long ContextTokens(ModelSettings settings, GgufFile file)
        => settings.ContextSize > 0 ? settings.ContextSize : file.GetInteger($"{file.Architecture ?? "llama"}.context_length") ?? 4096;

    [LoggerMessage(Level = LogLevel.Information, Message = "GPU layers for {Name}: {Layers} ({Reason})")]
    private static partial void LogPlan(ILogger logger, string name, int layers, string reason);
}
