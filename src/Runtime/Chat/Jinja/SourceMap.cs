namespace Llm.Runtime.Chat.Jinja;

/// <summary>Turns a character offset into a 1-based line and column for error messages.</summary>
internal sealed class SourceMap
{
    private readonly List<int> lineStarts = [0];

    public SourceMap(string source)
    {
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }
    }

    public (int Line, int Column) Locate(int offset)
    {
        var index = lineStarts.BinarySearch(offset);
        if (index < 0)
        {
            index = ~index - 1;
        }
        return (index + 1, offset - lineStarts[index] + 1);
    }
}
