using System.Text.Json.Serialization;

namespace Llm.Api.Contracts;

/// <summary>The body of <c>POST /tokenize</c> (llama-server's extension).</summary>
public sealed record TokenizeRequest
{
    public string? Model { get; init; }
    public string? Content { get; init; }
    public bool? AddSpecial { get; init; }
    public bool? ParseSpecial { get; init; }
    public bool? WithPieces { get; init; }
}

/// <summary>The tokens of the content; <c>pieces</c> only when <c>with_pieces</c> asked for them (left out otherwise, as llama-server does).</summary>
public sealed record TokenizeResponse(IReadOnlyList<int> Tokens, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TokenPiece>? Pieces);

/// <summary>A token with its text and raw bytes (a piece may be part of a UTF-8 character).</summary>
public sealed record TokenPiece(int Id, string Piece, IReadOnlyList<int> Bytes);

/// <summary>The body of <c>POST /detokenize</c>.</summary>
public sealed record DetokenizeRequest
{
    public string? Model { get; init; }
    public IReadOnlyList<int>? Tokens { get; init; }
}

/// <summary>The text of the tokens.</summary>
public sealed record DetokenizeResponse(string Content);
