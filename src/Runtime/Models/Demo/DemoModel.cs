using Llm.Runtime.Gguf;

namespace Llm.Runtime.Models.Demo;

/// <summary>
/// A tiny deterministic llama-architecture model built at run time: its next-token distribution depends only on
/// the current token. Greedy decoding walks the alphabet to '.', then ends the turn; at temperature 1 the
/// successor has probability <see cref="TopProbability"/> and the rest is spread uniformly over printable tokens.
/// models/README.md documents the vocabulary and the transition function.
/// </summary>
public static class DemoModel
{
    public const string Name = "demo";
    public const string FileName = "llm-demo-v1.gguf";
    public const double TopProbability = 0.9;
    public const string ChatReply = "abcdefghijklmnopqrstuvwxyz.";

    public const int VocabularySize = 356;
    public const int ContextLength = 4096;
    public const int UnknownToken = 0;
    public const int BeginOfSequenceToken = 1;
    public const int EndOfSequenceToken = 2;
    /// <summary>Byte token of value b is FirstByteToken + b (<c>&lt;0x00&gt;</c>..<c>&lt;0xFF&gt;</c>).</summary>
    public const int FirstByteToken = 3;
    /// <summary>U+2581 '▁', SentencePiece's space; also the first printable token.</summary>
    public const int SpaceToken = 259;
    public const int FirstPrintableToken = 259;
    /// <summary>'~'; tokens 260..353 are ASCII 0x21..0x7E in order.</summary>
    public const int LastPrintableToken = 353;
    public const int PrintableTokenCount = LastPrintableToken - FirstPrintableToken + 1;
    public const int StartOfTurnToken = 354;
    public const int EndOfTurnToken = 355;
    public const string StartOfTurnText = "<|im_start|>";
    public const string EndOfTurnText = "<|im_end|>";

    /// <summary>The standard ChatML template; llama.cpp's built-in detection recognises it as "chatml".</summary>
    public const string ChatTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
        + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private const char SpacePiece = '\u2581';

    /// <summary>Writes the model to a stream (about 3.5 MB, built in milliseconds).</summary>
    public static void Write(Stream stream) => DemoModelBuilder.Create().WriteTo(stream);

    /// <summary>Writes the model atomically: readers never see a partial file.</summary>
    public static void WriteFile(string path) => AtomicFile.Write(path, Write);

    /// <summary>
    /// Returns <c>cacheDirectory/llm-demo-v1.gguf</c>, building it first if absent. Concurrent callers (threads or
    /// processes) each write a private temp file and rename it over the target; the contents are identical, so
    /// whichever rename lands last is as good as the first.
    /// </summary>
    public static string EnsureBuilt(string cacheDirectory)
    {
        var path = Path.Combine(Path.GetFullPath(cacheDirectory), FileName);
        if (File.Exists(path))
            return path;
        try
        {
            WriteFile(path);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Windows refuses to rename over a file another racer has already opened; theirs is identical.
        }
        return path;
    }

    /// <summary>The greedy successor of <paramref name="token"/>.</summary>
    public static int NextToken(int token)
    {
        CheckToken(token);
        if (!IsPrintable(token))
            return TokenOf('a');
        var c = (char)(token - SpaceToken + 0x20);
        return c switch
        {
            >= 'a' and < 'z' or >= 'A' and < 'Z' => token + 1,
            'z' or 'Z' => TokenOf('.'),
            '.' => EndOfTurnToken,
            '9' => TokenOf('0'),
            >= '0' and < '9' => token + 1,
            _ => TokenOf('a'),
        };
    }

    /// <summary>p(next | current) at temperature 1, as the model's logits define it (excluded tokens round to 0).</summary>
    public static double Probability(int current, int next)
    {
        CheckToken(next);
        var successor = NextToken(current);
        if (next == successor)
            return TopProbability;
        return IsPrintable(next) ? (1 - TopProbability) / UniformTokenCount(successor) : 0;
    }

    /// <summary>The token of an ASCII character: ' ' is '▁', 0x21..0x7E are printable tokens, other ASCII is a byte token.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Non-ASCII characters need several byte tokens.</exception>
    public static int TokenOf(char c) => c switch
    {
        ' ' or SpacePiece => SpaceToken,
        > ' ' and < '\x7F' => SpaceToken + (c - 0x20),
        < '\x80' => FirstByteToken + c,
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, "Only ASCII characters map to a single demo token."),
    };

    /// <summary>The vocabulary piece of a token, e.g. "&lt;s&gt;", "&lt;0x0A&gt;", "▁", "a", "&lt;|im_end|&gt;".</summary>
    public static string PieceOf(int token)
    {
        CheckToken(token);
        return token switch
        {
            UnknownToken => "<unk>",
            BeginOfSequenceToken => "<s>",
            EndOfSequenceToken => "</s>",
            < FirstPrintableToken => $"<0x{token - FirstByteToken:X2}>",
            SpaceToken => SpacePiece.ToString(),
            <= LastPrintableToken => ((char)(token - SpaceToken + 0x20)).ToString(),
            StartOfTurnToken => StartOfTurnText,
            _ => EndOfTurnText,
        };
    }

    /// <summary>
    /// The text greedy decoding produces after a prompt whose last token is <see cref="TokenOf"/>(lastChar)
    /// ('\n' is the byte token &lt;0x0A&gt;, as at the end of a ChatML assistant header). Every sampled token,
    /// the end-of-turn token included, counts against <paramref name="maxTokens"/>: after '\n' the reply needs 27
    /// tokens and ends the turn with the 28th.
    /// </summary>
    public static (string Text, bool EndedTurn) GreedyContinuation(char lastChar, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        var text = new System.Text.StringBuilder();
        var token = TokenOf(lastChar);
        for (var i = 0; i < maxTokens; i++)
        {
            token = NextToken(token);
            if (token == EndOfTurnToken)
                return (text.ToString(), true);
            text.Append(token == SpaceToken ? " " : PieceOf(token));
        }
        return (text.ToString(), false);
    }

    /// <summary>True for the 95 tokens that can be sampled besides end of turn: '▁' and ASCII 0x21..0x7E.</summary>
    public static bool IsPrintable(int token) => token is >= FirstPrintableToken and <= LastPrintableToken;

    /// <summary>How many printable tokens share the 1 - TopProbability mass: all but the successor.</summary>
    internal static int UniformTokenCount(int successor) => IsPrintable(successor) ? PrintableTokenCount - 1 : PrintableTokenCount;

    private static void CheckToken(int token) =>
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)token, (uint)VocabularySize, nameof(token));
}
