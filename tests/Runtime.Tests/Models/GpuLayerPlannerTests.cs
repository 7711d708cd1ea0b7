using Llm.Runtime.Gguf;
using Llm.Runtime.Models.Demo;
using Llm.Runtime.Models.Planning;

namespace Llm.Runtime.Tests.Models;

/// <summary>--gpu-layers auto on synthetic numbers, and the footprint read from a real GGUF.</summary>
public sealed class GpuLayerPlannerTests
{
    private const long MiB = 1024 * 1024;

    // 10 layers of 100 MiB, a 50 MiB output head, 1 KiB of KV per token per layer.
    private static readonly ModelFootprint Model = new(Enumerable.Repeat(100 * MiB, 10).ToArray(), 50 * MiB, 200 * MiB, 1024);

    [Fact]
    public void EverythingFitsOnABigDeviceIncludingTheOutputHead()
    {
        var plan = GpuLayerPlanner.Plan(Model, contextTokens: 1024, freeDeviceBytes: 8192 * MiB);
        Assert.Equal(11, plan.Layers);
        Assert.Contains("all 10 layers", plan.Reason);
    }

    [Fact]
    public void OnlyWholeLayersWithTheirKvCacheThatFitBesideTheReserveAreOffloaded()
    {
        // Budget 1000 - 512 reserve = 488 MiB; each layer costs 100 MiB + 1024 tokens * 1 KiB = 101 MiB -> 4 layers.
        var plan = GpuLayerPlanner.Plan(Model, contextTokens: 1024, freeDeviceBytes: 1000 * MiB);
        Assert.Equal(4, plan.Layers);
        Assert.Equal(4 * 101 * MiB + GpuLayerPlanner.MinimumReserveBytes, plan.DeviceBytes);
    }

    [Fact]
    public void ALargerContextLeavesRoomForFewerLayers()
    {
        // 1024 MiB, no reserve: 101 MiB a layer at 1 Ki tokens (10 fit, not the head); 164 MiB at 64 Ki tokens (6 fit).
        Assert.Equal(10, GpuLayerPlanner.Plan(Model, contextTokens: 1024, freeDeviceBytes: 1024 * MiB, reserveBytes: 0).Layers);
        Assert.Equal(6, GpuLayerPlanner.Plan(Model, contextTokens: 64 * 1024, freeDeviceBytes: 1024 * MiB, reserveBytes: 0).Layers);
    }

    [Fact]
    public void TheOutputHeadIsOnlyAddedWhenItFitsAfterEveryLayer()
    {
        var plan = GpuLayerPlanner.Plan(Model, contextTokens: 0, freeDeviceBytes: 1020 * MiB, reserveBytes: 0);
        Assert.Equal(10, plan.Layers); // 1000 MiB of layers fit, the 50 MiB head does not
        Assert.Equal(11, GpuLayerPlanner.Plan(Model, 0, 1050 * MiB, reserveBytes: 0).Layers);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100)] // less than the reserve
    public void NoDeviceOrTooLittleMemoryMeansCpu(long freeMiB)
        => Assert.Equal(0, GpuLayerPlanner.Plan(Model, 1024, freeMiB * MiB).Layers);

    [Fact]
    public void DefaultReserveIsTenPercentOfFreeMemory()
    {
        // 80 GiB free: reserve 8 GiB; 72 GiB / 101 MiB per layer = all 10 layers.
        Assert.Equal(11, GpuLayerPlanner.Plan(Model, 1024, 80L * 1024 * MiB).Layers);
        var uneven = new ModelFootprint([10 * MiB, 10 * MiB, 600 * MiB], 0, 0, 0);
        // Layers go from the last: the 600 MiB layer does not fit in 1000 - 512, so nothing does.
        Assert.Equal(0, GpuLayerPlanner.Plan(uneven, 0, 1000 * MiB).Layers);
    }

    [Fact]
    public void FootprintOfTheDemoModelMatchesItsTensorTable()
    {
        var folder = Directory.CreateTempSubdirectory("llm-footprint-").FullName;
        var file = GgufReader.ReadFile(DemoModel.EnsureBuilt(folder));
        var footprint = ModelFootprint.From(file);
        Assert.Equal(file.GetInteger("llama.block_count"), footprint.LayerCount);
        Assert.Equal(file.Tensors.Sum(t => t.ByteSize ?? 0), footprint.WeightBytes);
        Assert.True(footprint.KvBytesPerTokenPerLayer > 0);
        Assert.All(footprint.LayerBytes, bytes => Assert.True(bytes > 0));
    }
}
