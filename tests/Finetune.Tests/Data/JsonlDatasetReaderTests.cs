using Llm.Finetune.Data;

namespace Llm.Finetune.Tests.Data;

public class JsonlDatasetReaderTests
{
    private static LabeledDataset Read(string text) => JsonlDatasetReader.Read(new StringReader(text));

    private static DatasetFormatException Fails(string text) => Assert.Throws<DatasetFormatException>(() => Read(text));

    [Fact]
    public void ReadsNumericClassificationWithSortedLabels()
    {
        var data = Assert.IsType<Dataset>(Read("""
            {"features":[1, 2.5], "label":"dog"}

            {"features":[3, -4e-1], "label":"cat"}
            {"features":[5, 6], "label":"dog"}
            """));
        Assert.Equal(ProblemKind.Classification, data.Kind);
        Assert.Equal(["cat", "dog"], data.LabelNames);
        Assert.Equal([1, 0, 1], data.Labels.ToArray());
        Assert.Equal([1f, 2.5f, 3f, -0.4f, 5f, 6f], data.Features.ToArray());
        Assert.Equal(2, data.FeatureCount);
    }

    [Fact]
    public void ReadsRegressionAndTextRows()
    {
        var numeric = Assert.IsType<Dataset>(Read("{\"features\":[1],\"target\":1.5}\n{\"features\":[2],\"target\":-3}"));
        Assert.Equal(ProblemKind.Regression, numeric.Kind);
        Assert.Equal([1.5f, -3f], numeric.Targets.ToArray());

        var text = Assert.IsType<TextDataset>(Read("{\"text\":\"hello\",\"label\":\"greeting\"}\n{\"text\":\"bye\",\"label\":1}"));
        Assert.Equal(["hello", "bye"], text.Texts);
        Assert.Equal(["1", "greeting"], text.LabelNames);
    }

    [Fact]
    public void MalformedJsonReportsLineAndColumn()
    {
        var error = Fails("{\"features\":[1],\"label\":\"a\"}\n{\"features\":[1],\"label\":\"b\"}\n{\"features\":[1,],\"label\":\"a\"}");
        Assert.Equal(3, error.LineNumber);
        Assert.NotNull(error.Column);
        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void BadRowsReportLineAndField()
    {
        var wrongCount = Fails("{\"features\":[1,2],\"label\":\"a\"}\n\n{\"features\":[1],\"label\":\"b\"}");
        Assert.Equal(3, wrongCount.LineNumber);
        Assert.Equal("features", wrongCount.Field);

        var notNumber = Fails("{\"features\":[1,\"x\"],\"label\":\"a\"}");
        Assert.Equal(1, notNumber.LineNumber);
        Assert.Equal("features[1]", notNumber.Field);

        var mixed = Fails("{\"features\":[1],\"label\":\"a\"}\n{\"features\":[1],\"target\":2}");
        Assert.Equal(2, mixed.LineNumber);
        Assert.Equal("target", mixed.Field);

        Assert.Equal(2, Fails("{\"text\":\"a\",\"label\":\"a\"}\n{\"features\":[1],\"label\":\"a\"}").LineNumber);
        Assert.Equal(1, Fails("{\"features\":[1]}").LineNumber);
        Assert.Equal(1, Fails("[1,2]").LineNumber);
        Assert.Equal("target", Fails("{\"features\":[1],\"target\":\"high\"}").Field);
        Assert.Equal("label", Fails("{\"features\":[1],\"label\":\"  \"}").Field);
        Fails("");
        Assert.Equal("features", Fails("{\"features\":[1],\"features\":[2],\"label\":\"a\"}").Field);
        Assert.Equal(2, Fails("{\"features\":[1],\"label\":\"a\"}\n{\"features\":[1],\"label\":\"a\"} x").LineNumber);
    }

    [Fact]
    public void ByteReaderHandlesBomCrLfAndReportsLines()
    {
        byte[] good = [0xEF, 0xBB, 0xBF, .. "{\"features\":[1],\"label\":\"a\"}\r\n\r\n{\"features\":[2],\"label\":\"b\"}\r\n"u8];
        var data = Assert.IsType<Dataset>(JsonlDatasetReader.ReadUtf8(good));
        Assert.Equal([1f, 2f], data.Features.ToArray());

        byte[] bad = "{\"features\":[1],\"label\":\"a\"}\n\n{\"features\":[2 3],\"label\":\"b\"}"u8.ToArray();
        var error = Assert.Throws<DatasetFormatException>(() => JsonlDatasetReader.ReadUtf8(bad));
        Assert.Equal(3, error.LineNumber);
        Assert.Equal(16, error.Column); // the unexpected "3"
    }

    [Fact]
    public void UnknownPropertiesAreIgnored()
    {
        var data = Assert.IsType<Dataset>(Read("{\"id\":{\"nested\":[1,2]},\"features\":[1],\"label\":\"a\",\"note\":\"x\"}"));
        Assert.Equal([1f], data.Features.ToArray());
    }

    [Fact]
    public void ReadFileDispatchesOnExtension()
    {
        string folder = Directory.CreateTempSubdirectory("llm-finetune-data-").FullName;
        try
        {
            string jsonl = Path.Combine(folder, "d.jsonl");
            File.WriteAllText(jsonl, "{\"features\":[1],\"target\":2}\n");
            Assert.IsType<Dataset>(DatasetReader.ReadFile(jsonl));
            string csv = Path.Combine(folder, "d.csv");
            File.WriteAllText(csv, "x,target\n1,2\n");
            Assert.IsType<Dataset>(DatasetReader.ReadFile(csv));
            Assert.Throws<NotSupportedException>(() => DatasetReader.ReadFile(Path.Combine(folder, "d.parquet")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
