using Llm.Runtime.Models;
using Microsoft.Extensions.AI;

namespace Llm.Runtime.Extensions.AI;

/// <summary><see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a loaded model's embedding engine, in process.</summary>
/// <remarks>Thread-safe: concurrent calls share the model's long-lived embedding context.</remarks>
public sealed class LlmEmbeddingGenerator(ModelHost model) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new("llm", null, model.Info.Name, null);

    /// <inheritdoc/>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.Select(v => (IReadOnlyList<int>)model.Tokenize(v, addSpecial: true, parseSpecial: false, cancellationToken)).ToArray();
        var vectors = await model.Embeddings.EmbedAsync(inputs, cancellationToken).ConfigureAwait(false);
        var created = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(Shorten(v, options?.Dimensions)) { ModelId = model.Info.Name, CreatedAt = created }))
        {
            Usage = new UsageDetails { InputTokenCount = inputs.Sum(i => i.Count), TotalTokenCount = inputs.Sum(i => i.Count) },
        };
        return result;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private static float[] Shorten(float[] vector, int? dimensions)
    {
        if (dimensions is not { } size || size >= vector.Length) return vector;
        var shorter = vector[..size];
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(shorter);
        if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(shorter, norm, shorter);
        return shorter;
    }
}
