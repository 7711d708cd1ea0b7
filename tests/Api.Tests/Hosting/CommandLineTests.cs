using Llm.Api.Hosting;

namespace Llm.Api.Tests.Hosting;

public sealed class CommandLineTests
{
    [Fact]
    public void FlagsBecomeConfigurationKeys()
    {
        var keys = CommandLine.Parse(["--model", "/m/a.gguf", "--model", "b=/m/x.gguf", "--host", "0.0.0.0", "--port=9000", "--ctx-size", "8192", "--gpu-layers", "-1", "--threads", "3"])!;
        Assert.Equal("a", keys["Llm:Models:0:Name"]);
        Assert.Equal("/m/a.gguf", keys["Llm:Models:0:Path"]);
        Assert.Equal("b", keys["Llm:Models:1:Name"]);
        Assert.Equal("/m/x.gguf", keys["Llm:Models:1:Path"]);
        Assert.Equal("0.0.0.0", keys["Llm:Host"]);
        Assert.Equal("9000", keys["Llm:Port"]);
        Assert.Equal("8192", keys["Llm:ContextSize"]);
        Assert.Equal("-1", keys["Llm:GpuLayers"]);
        Assert.Equal("3", keys["Llm:Threads"]);
    }

    [Fact]
    public void EqualsSignInsideAPathIsNotAName()
    {
        var keys = CommandLine.Parse(["--model", "/data/run=2/m.gguf"])!;
        Assert.Equal("m", keys["Llm:Models:0:Name"]);
        Assert.Equal("/data/run=2/m.gguf", keys["Llm:Models:0:Path"]);
    }

    [Theory]
    [InlineData("--nope")]
    [InlineData("--port")]
    [InlineData("--port", "eighty")]
    public void BadArgumentsAreRefused(params string[] args)
        => Assert.Throws<ArgumentException>(() => CommandLine.Parse(args));

    [Fact]
    public void HelpReturnsNull() => Assert.Null(CommandLine.Parse(["--help"]));

    [Fact]
    public void InvalidSettingsAreReported()
    {
        Assert.Contains("--parallel", new ServerOptions { Parallel = 0 }.Validate());
        Assert.Null(new ServerOptions().Validate());
    }
}
