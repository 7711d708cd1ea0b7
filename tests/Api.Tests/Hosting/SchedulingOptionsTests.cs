using Llm.Api.Hosting;

namespace Llm.Api.Tests.Hosting;

public sealed class SchedulingOptionsTests
{
    [Fact]
    public void QueueAndCacheFlagsBecomeConfigurationKeys()
    {
        var values = CommandLine.Parse(["--max-queue", "3", "--cache-slots=0"])!;
        Assert.Equal("3", values["Llm:MaxQueue"]);
        Assert.Equal("0", values["Llm:CacheSlots"]);
        Assert.Throws<ArgumentException>(() => CommandLine.Parse(["--max-queue", "many"]));
    }

    [Fact]
    public void SequenceIdsAreBoundedByLlamaCpp()
    {
        Assert.Null(new ServerOptions { Parallel = 128, CacheSlots = 128 }.Validate());
        Assert.Contains("--cache-slots", new ServerOptions { Parallel = 200 }.Validate());
        Assert.Contains("--cache-slots", new ServerOptions { CacheSlots = -1 }.Validate());
        Assert.Contains("--max-queue", new ServerOptions { MaxQueue = -1 }.Validate());
    }
}
