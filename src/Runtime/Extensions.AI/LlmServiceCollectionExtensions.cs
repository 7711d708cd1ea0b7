using Llm.Runtime.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Runtime.Extensions.AI;

/// <summary>Registers a local model as the app's <see cref="IChatClient"/> and embedding generator.</summary>
public static class LlmServiceCollectionExtensions
{
    /// <summary>
    /// Loads the model when first resolved and registers <see cref="ModelHost"/>, <see cref="IChatClient"/> and
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> (string to float embeddings) over it, all singletons.
    /// </summary>
    public static IServiceCollection AddLlm(this IServiceCollection services, ModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(sp => ModelHost.Load(settings, sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.AddSingleton<IChatClient>(sp => new LlmChatClient(sp.GetRequiredService<ModelHost>()));
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new LlmEmbeddingGenerator(sp.GetRequiredService<ModelHost>()));
        return services;
    }
}
