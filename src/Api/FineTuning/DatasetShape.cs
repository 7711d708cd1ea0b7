using Llm.Finetune.Data;

namespace Llm.Api.FineTuning;

/// <summary>What the memory estimate of a job needs to know about one dataset file, without its rows.</summary>
/// <param name="Rows">Data rows.</param>
/// <param name="Features">Features per row; 0 for text rows, whose width is the embedding model's.</param>
/// <param name="Classes">Distinct labels; 0 for regression.</param>
/// <param name="Kind">Classification or regression.</param>
/// <param name="IsText">Whether rows carry text to embed.</param>
/// <param name="Bytes">Size of the file in bytes.</param>
public sealed record DatasetShape(int Rows, int Features, int Classes, ProblemKind Kind, bool IsText, long Bytes)
{
    /// <summary>The shape of a parsed dataset.</summary>
    public static DatasetShape Of(LabeledDataset data, long bytes)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new DatasetShape(data.Count, (data as Dataset)?.FeatureCount ?? 0, data.LabelNames.Count, data.Kind, data is TextDataset, bytes);
    }

    /// <summary>The shape recorded at upload; null for records written before shapes were recorded.</summary>
    public static DatasetShape? FromRecord(StoredFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var known = (file.IsText || file.Features > 0) && (file.Kind == ProblemKind.Regression || file.Classes > 0);
        return known ? new DatasetShape(file.Rows, file.Features, file.Classes, file.Kind, file.IsText, file.File.Bytes) : null;
    }
}
