using Llm.Runtime.Hosting;

namespace Llm.Runtime.Tests.Hosting;

public sealed class PhysicalCoresTests
{
    [Fact]
    public void HyperThreadedSiblingsCountOnce()
    {
        string[] cpuinfo =
        [
            "processor : 0", "physical id : 0", "core id : 0",
            "processor : 1", "physical id : 0", "core id : 1",
            "processor : 2", "physical id : 0", "core id : 0",
            "processor : 3", "physical id : 0", "core id : 1",
            "processor : 4", "physical id : 1", "core id : 0",
        ];
        Assert.Equal(3, PhysicalCores.FromCpuInfo(cpuinfo));
    }

    [Fact]
    public void CountIsPositiveAndAtMostTheProcessorCount()
    {
        Assert.InRange(PhysicalCores.Count, 1, Environment.ProcessorCount);
    }
}
