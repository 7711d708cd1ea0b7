using Llm.Api.Cli;
using Llm.Api.Tests.Infrastructure;
using Llm.Finetune.Adapters;

namespace Llm.Api.Tests.Hosting;

/// <summary><c>llm finetune</c>: trains from a local file, prints metrics, writes the adapter and a PNG loss plot.</summary>
public sealed class FinetuneCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-finetune-cli-").FullName;

    [Fact]
    public async Task TrainsAnMlpAndWritesAdapterMetricsAndPlot()
    {
        var data = Path.Combine(_folder, "xor.jsonl");
        await File.WriteAllTextAsync(data, Datasets.Xor(300));
        var adapterPath = Path.Combine(_folder, "out", "xor.adapter");
        var output = new StringWriter();

        var code = await FinetuneCommand.RunAsync(["--file", data, "--method", "mlp", "--hidden-layers", "8", "--activation", "tanh",
            "--learning-rate", "0.05", "--epochs", "80", "--out", adapterPath], output);

        Assert.Equal(0, code);
        var text = output.ToString();
        Assert.Contains("epoch 80/80", text);
        Assert.Contains("validation_accuracy", text);
        var adapter = Adapter.Load(adapterPath);
        Assert.Equal("same", adapter.Predict([0.5f, 0.5f]).Label);
        Assert.Equal("different", adapter.Predict([-0.5f, 0.5f]).Label);
        var png = await File.ReadAllBytesAsync(Path.ChangeExtension(adapterPath, ".png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.True(png.Length > 5000, "the plot has content");
    }

    [Fact]
    public async Task BadDataExitsWithOneAndUsageErrorsWithTwo()
    {
        var data = Path.Combine(_folder, "bad.csv");
        await File.WriteAllTextAsync(data, "x,label\n1,a\nnope,b\n");
        Assert.Equal(1, await FinetuneCommand.RunAsync(["--file", data, "--out", Path.Combine(_folder, "a.adapter")], new StringWriter()));
        Assert.False(File.Exists(Path.Combine(_folder, "a.adapter")));
        Assert.Equal(2, await FinetuneCommand.RunAsync(["--file", data], new StringWriter()));
        Assert.Equal(2, await FinetuneCommand.RunAsync(["--file", data, "--out", "x", "--method", "forest"], new StringWriter()));
        Assert.Equal(2, await FinetuneCommand.RunAsync(["--file", data, "--out", "x", "--bogus", "1"], new StringWriter()));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
