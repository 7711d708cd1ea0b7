namespace Llm.Finetune.Data;

/// <summary>A dataset file could not be parsed; the message names the line and, where known, the field or column.</summary>
public sealed class DatasetFormatException : FormatException
{
    public DatasetFormatException(int lineNumber, string? field, int? column, string detail, Exception? inner = null)
        : base(Describe(lineNumber, field, column, detail), inner)
    {
        LineNumber = lineNumber;
        Field = field;
        Column = column;
        Detail = detail;
    }

    /// <summary>1-based line in the file.</summary>
    public int LineNumber { get; }

    /// <summary>JSON property or CSV header name, when the problem concerns one.</summary>
    public string? Field { get; }

    /// <summary>1-based CSV column, or 1-based character position for JSON syntax errors.</summary>
    public int? Column { get; }

    public string Detail { get; }

    private static string Describe(int lineNumber, string? field, int? column, string detail)
    {
        string where = $"line {lineNumber}";
        if (column is not null)
        {
            where += $", column {column}";
        }

        if (field is not null)
        {
            where += $", field '{field}'";
        }

        return $"Invalid dataset at {where}: {detail}";
    }
}
