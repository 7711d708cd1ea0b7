using Llm.Finetune.Data;

namespace Llm.Finetune.Tests.Data;

public class CsvDatasetReaderTests
{
    private static Dataset Read(string text) => CsvDatasetReader.Read(new StringReader(text));

    private static DatasetFormatException Fails(string text) => Assert.Throws<DatasetFormatException>(() => Read(text));

    [Fact]
    public void ReadsLabelColumnAnywhere()
    {
        Dataset data = Read("a, Label ,b\n1,\"spam, really\",2\n3,ham,4.5e1\n");
        Assert.Equal(ProblemKind.Classification, data.Kind);
        Assert.Equal(["ham", "spam, really"], data.LabelNames);
        Assert.Equal([1, 0], data.Labels.ToArray());
        Assert.Equal([1f, 2f, 3f, 45f], data.Features.ToArray());
    }

    [Fact]
    public void ReadsRegressionTargets()
    {
        Dataset data = Read("target,x\n1.5,2\n-1,3\n");
        Assert.Equal(ProblemKind.Regression, data.Kind);
        Assert.Equal([1.5f, -1f], data.Targets.ToArray());
        Assert.Equal(1, data.FeatureCount);
    }

    [Fact]
    public void BadNumberReportsLineColumnAndHeaderName()
    {
        var error = Fails("x,y,label\n1,2,a\n\n3,abc,b\n");
        Assert.Equal(4, error.LineNumber);
        Assert.Equal(2, error.Column);
        Assert.Equal("y", error.Field);
        Assert.Contains("line 4", error.Message);
        Assert.Contains("'y'", error.Message);
    }

    [Fact]
    public void StructuralProblemsReportTheLine()
    {
        Assert.Equal(3, Fails("x,label\n1,a\n2\n").LineNumber);
        Assert.Equal(2, Fails("x,label\n1,a,9\n").LineNumber);
        Assert.Equal(1, Fails("x,y\n1,2\n").LineNumber);
        Assert.Equal(1, Fails("label,target,x\n").LineNumber);
        Assert.Equal(2, Fails("x,label\n\"1,a\n").LineNumber);
        Assert.Equal(2, Fails("x,target\n1,NaN\n").LineNumber);
        Fails("x,label\n");
        Fails("");
    }
}
