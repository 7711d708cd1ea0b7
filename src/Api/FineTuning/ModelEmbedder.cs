using Llm.Runtime.Models;

namespace Llm.Api.FineTuning;

/// <summary>Turns a loaded model into the embedding function text adapters train and predict with.</summary>
public static class ModelEmbedder
{
    /// <summary>Tokenizes each text as <c>/v1/embeddings</c> does and embeds the batch (mean pooled, unit length).</summary>
    public static Func<IReadOnlyList<string>, CancellationToken, Task<float[][]>> For(ModelHost model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return (texts, cancellationToken) =>
        {
            var tokens = new IReadOnlyList<int>[texts.Count];
            for (var i = 0; i < tokens.Length; i++) tokens[i] = model.Tokenize(texts[i], addSpecial: true, parseSpecial: false);
            return model.Embeddings.EmbedAsync(tokens, cancellationToken);
        };
    }
}
