namespace Llm.Runtime.Errors;

/// <summary>
/// llama.cpp refused to build a grammar sampler from a grammar (its parser found it malformed, or past one of its
/// own limits such as the repetition threshold). Thrown before the request is queued, so nothing has run.
/// </summary>
/// <param name="message">What was refused, for the client.</param>
public sealed class GrammarRejectedException(string message) : Exception(message);
