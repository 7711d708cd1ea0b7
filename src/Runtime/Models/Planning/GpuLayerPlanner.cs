namespace Llm.Runtime.Models.Planning;

/// <summary>
/// Decides how many layers fit on a GPU (<c>--gpu-layers auto</c>). A pure function of the model's footprint,
/// the context size and the device's free memory, so it is tested on synthetic numbers.
/// </summary>
/// <remarks>
/// llama.cpp offloads the last <c>n</c> repeating layers, and with <c>n = layers + 1</c> the output head too. A
/// layer on the device brings its slice of the KV cache with it. The reserve covers the compute buffers and the
/// CUDA context, which the GGUF cannot tell us; 10 % of free memory with a floor of 512 MiB is what llama.cpp's
/// own <c>--fit</c> heuristics leave, and a plan that is slightly short is better than an out-of-memory load.
/// </remarks>
public static class GpuLayerPlanner
{
    /// <summary>The least memory kept free on the device for compute buffers and the driver.</summary>
    public const long MinimumReserveBytes = 512L * 1024 * 1024;

    /// <summary>Plans the offload.</summary>
    /// <param name="model">The model's footprint.</param>
    /// <param name="contextTokens">KV cells of the context (all sequences together).</param>
    /// <param name="freeDeviceBytes">Free memory on the device; 0 or less when there is no GPU.</param>
    /// <param name="reserveBytes">Memory to leave free; null means 10 % of free memory, at least <see cref="MinimumReserveBytes"/>.</param>
    public static GpuLayerPlan Plan(ModelFootprint model, long contextTokens, long freeDeviceBytes, long? reserveBytes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(contextTokens);
        if (freeDeviceBytes <= 0) return new GpuLayerPlan(0, 0, "no GPU device with free memory; running on the CPU");
        var reserve = reserveBytes ?? Math.Max(MinimumReserveBytes, freeDeviceBytes / 10);
        var budget = freeDeviceBytes - reserve;
        var kvPerLayer = contextTokens * model.KvBytesPerTokenPerLayer;

        long used = 0;
        var layers = 0;
        // From the last layer down, as llama.cpp assigns them.
        for (var i = model.LayerCount - 1; i >= 0; i--)
        {
            var cost = model.LayerBytes[i] + kvPerLayer;
            if (used + cost > budget) break;
            used += cost;
            layers++;
        }
        var total = model.LayerCount;
        if (layers == total && used + model.OutputBytes <= budget)
            return new GpuLayerPlan(total + 1, used + model.OutputBytes + reserve, $"all {total} layers and the output head fit in {Mib(freeDeviceBytes)} MiB free");
        return new GpuLayerPlan(layers, used + reserve,
            $"{layers} of {total} layers fit in {Mib(freeDeviceBytes)} MiB free ({Mib(reserve)} MiB kept for compute buffers)");
    }

    private static long Mib(long bytes) => bytes / (1024 * 1024);
}
