namespace Llm.Api.Hosting;

/// <summary>
/// Silences the generic host's own log while the server starts: when starting fails, it logs the exception with its
/// stack trace ("Hosting failed to start"), and <see cref="LlmServer.RunAsync"/> prints the one-line reason instead.
/// </summary>
public sealed class StartupLogGate
{
    /// <summary>The category the generic host logs its start, stop and background-service failures under.</summary>
    public const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private volatile bool _starting;

    /// <summary>Gets or sets whether the server is starting (the host's log is dropped meanwhile).</summary>
    public bool Starting
    {
        get => _starting;
        set => _starting = value;
    }
}
