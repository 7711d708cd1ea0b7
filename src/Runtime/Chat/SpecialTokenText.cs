namespace Llm.Runtime.Chat;

/// <summary>The text of a model's BOS and EOS tokens, which chat templates print as <c>bos_token</c> and <c>eos_token</c>.</summary>
/// <param name="Bos">BOS text, empty when the model has none.</param>
/// <param name="Eos">EOS text, empty when the model has none.</param>
public sealed record SpecialTokenText(string Bos, string Eos);
