using System.Runtime.CompilerServices;
using Llm.Runtime.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llm.Runtime.Tests;

internal static class QuietNativeLogs
{
    // llama.cpp prints every load to stderr unless a callback is set; test output should show test results.
    [ModuleInitializer]
    internal static void Initialize() => NativeBackend.EnsureConfigured(NullLoggerFactory.Instance);
}
