using Llm.Api.Hosting;
using Llm.Api.Tenancy;

namespace Llm.Api.FineTuning;

/// <summary>Registers the fine-tuning store, the shared dataset cache and its parse gate, and the job runner.</summary>
public static class FineTuningServices
{
    public static IServiceCollection AddFineTuning(this IServiceCollection services, ServerOptions options)
    {
        var root = DataDirectory(options);
        services.AddSingleton(sp => new FineTuningStore(root, sp.GetRequiredService<ILogger<FineTuningStore>>(), TenantQuotas.From(options)));
        services.AddSingleton<AdapterCache>();
        services.AddSingleton(new DatasetParseGate(options.MaxConcurrentValidations));
        services.AddSingleton<DatasetCache>();
        services.AddSingleton<DatasetShapes>();
        services.AddSingleton<EmbeddingWidths>();
        services.AddSingleton(JobLimits.From(options));
        services.AddSingleton<FineTuningJobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<FineTuningJobRunner>());
        return services;
    }

    /// <summary>The data folder: the configured one, else $XDG_DATA_HOME/llm, else ~/.local/share/llm.</summary>
    public static string DataDirectory(ServerOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.DataDirectory)) return options.DataDirectory;
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "llm");
    }
}
