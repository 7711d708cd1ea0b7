using Llm.Runtime.Models;
using Llm.Runtime.Models.Demo;
using Llm.Runtime.Tests.Gguf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Runtime.Tests.Inference;

/// <summary>The demo model loaded through <see cref="ModelHost"/>, as the server loads it.</summary>
public sealed class HostFixture : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "llm-host-tests-" + Guid.NewGuid().ToString("N"));

    public HostFixture()
    {
        Demo = ModelHost.Load(new ModelSettings { Name = "demo", Path = DemoModel.EnsureBuilt(_folder), ContextSize = 1024, Parallel = 4, Threads = 2 }, NullLoggerFactory.Instance);
    }

    public ModelHost Demo { get; }

    /// <summary>Loads the shared tiny Llama 2 model; fails with a clear message when ../shared is absent.</summary>
    public static ModelHost LoadTiny(string? chatTemplate = null)
    {
        Assert.True(File.Exists(SharedModels.TinyLlama), $"Missing test model {SharedModels.TinyLlama}: clone the repository next to the project's shared/ folder.");
        return ModelHost.Load(new ModelSettings { Name = "tiny", Path = SharedModels.TinyLlama, ContextSize = 512, Threads = 2, ChatTemplate = chatTemplate }, NullLoggerFactory.Instance);
    }

    public void Dispose()
    {
        Demo.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
