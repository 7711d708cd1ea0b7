using Llm.Runtime.Models;
using Llm.Runtime.Tests.Gguf.Hostile;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Runtime.Tests.Models;

/// <summary>Why a model did not load, in the words of whoever refused it: the GGUF gate or llama.cpp itself.</summary>
public sealed class ModelLoadReasonTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("model-load-reason-").FullName;

    [Fact]
    public void WhatLlamaCppRefusesAfterTheGateCarriesLlamaCppsReasonNotFailedToLoadModel()
    {
        var path = HostileGguf.UnknownToLlamaCpp.Write(_folder);
        var error = Assert.Throws<ModelLoadException>(() => ModelHost.Load(new ModelSettings { Name = "x", Path = path, ContextSize = 256 }, NullLoggerFactory.Instance));
        Assert.Equal($"llama.cpp could not load '{path}': unknown model architecture: 'notallama'.", error.Message);
    }

    [Fact]
    public void WhatTheGateRefusesNeverReachesLlamaCpp()
    {
        var kind = HostileGguf.Kinds.Single(k => k.Name == "block-count-0");
        var path = kind.Write(_folder);
        var error = Assert.Throws<ModelLoadException>(() => ModelHost.Load(new ModelSettings { Name = "x", Path = path, ContextSize = 256 }, NullLoggerFactory.Instance));
        Assert.Equal($"Model file '{path}' is refused: key 'llama.block_count' is 0, outside 1..512.", error.Message);
    }

    [Fact]
    public void ReasonsTakenFromTheFileAreOneShortLine()
    {
        var raw = RawGguf.From(HostileGguf.BaseModel);
        raw.SetRaw("test\n\u001b[31mfake log line" + new string('k', 5000), 99, [0, 0, 0, 0]);
        var path = Path.Combine(_folder, "long.gguf");
        raw.WriteFile(path);
        var error = Assert.Throws<ModelLoadException>(() => ModelFileCheck.EnsureValid(path));
        Assert.Contains("fake log line", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\u001b', error.Message);
        Assert.True(error.Message.Length < 600, error.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
