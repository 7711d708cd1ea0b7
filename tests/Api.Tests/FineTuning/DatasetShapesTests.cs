using System.Text;
using Llm.Api.Contracts.FineTuning;
using Llm.Api.FineTuning;
using Llm.Finetune.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Api.Tests.FineTuning;

/// <summary>Shapes come from the upload record; records written before shapes were recorded are parsed once, through the cache.</summary>
public sealed class DatasetShapesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llm-ft-shapes-").FullName;

    [Fact]
    public async Task ARecordWithoutAShapeIsParsedOnceAndLeavesNothingHeld()
    {
        var store = new FineTuningStore(_folder, NullLogger<FineTuningStore>.Instance);
        var cache = new DatasetCache(new DatasetParseGate(1));
        var shapes = new DatasetShapes(store, cache);
        var content = Encoding.UTF8.GetBytes("a,b,c,label\n1,2,3,x\n4,5,6,y\n7,8,9,z\n");
        var legacy = new StoredFile(new FileObject(Ids.New("file-"), content.Length, 0, "old.csv", "fine-tune", "processed"), false, ProblemKind.Classification, 3);
        store.AddFile(Llm.Api.Tenancy.Tenant.Default, legacy, content);

        var shape = await shapes.GetAsync(legacy);
        Assert.Equal(new DatasetShape(3, 3, 3, ProblemKind.Classification, false, content.Length), shape);
        Assert.Equal(shape, await shapes.GetAsync(legacy));
        Assert.Equal(1, cache.Parses);
        Assert.Equal(0, cache.Count);

        // A record with its shape is answered without reading the file.
        var recorded = legacy with { File = legacy.File with { Id = Ids.New("file-") }, Features = 3, Classes = 3 };
        Assert.Equal(3, (await shapes.GetAsync(recorded)).Features);
        Assert.Equal(1, cache.Parses);
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
