namespace Llm.Runtime.Inference;

/// <summary>A GBNF grammar that constrains sampling, and the rule generation starts from.</summary>
/// <param name="Gbnf">The grammar text, as llama.cpp's grammar sampler reads it.</param>
/// <param name="Root">The start rule.</param>
public sealed record GrammarSpec(string Gbnf, string Root = "root");
