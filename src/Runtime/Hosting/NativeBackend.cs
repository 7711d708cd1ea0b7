using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Llm.Runtime.Hosting;

/// <summary>
/// Routes llama.cpp's log lines to a logger, once per process: errors as warnings, the rest (many and
/// technical) at Trace level, so the default console shows no model internals.
/// </summary>
public static class NativeBackend
{
    private static readonly Lock s_gate = new();
    private static bool s_configured;

    /// <summary>Configures the native library if it has not been configured yet.</summary>
    public static void EnsureConfigured(ILoggerFactory loggerFactory)
    {
        lock (s_gate)
        {
            if (s_configured) return;
            var logger = loggerFactory.CreateLogger("llama.cpp");
            NativeLogConfig.llama_log_set((level, message) =>
            {
                if (level == LLamaLogLevel.Error)
                {
                    Models.NativeLoadErrors.Record(message);
                    logger.LogWarning("{Message}", message.TrimEnd());
                }
                else if (logger.IsEnabled(LogLevel.Trace)) logger.LogTrace("{Message}", message.TrimEnd());
            });
            s_configured = true;
        }
    }
}
