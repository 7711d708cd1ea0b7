namespace Llm.Bench;

/// <summary>
/// CPU time of this process's threads other than llama.cpp's, from Linux's per-thread accounting: the engine and the
/// raw decoder run on threads named <c>llm-engine</c> and <c>raw-decode</c>, and llama.cpp's OpenMP workers inherit
/// those names; everything else (Kestrel, the thread pool, the HTTP clients, the JIT) takes its CPU from them.
/// </summary>
internal static class ThreadCpu
{
    private static readonly string[] LlamaThreads = ["llm-engine", "raw-decode"];

    /// <summary>Gets the CPU seconds used so far by threads not owned by llama.cpp; NaN where /proc is missing.</summary>
    /// <remarks>
    /// The process's total minus llama.cpp's threads, which live as long as their model: thread-pool workers and the
    /// JIT's background thread come and go, and an ended thread's time is no longer listed under /proc/self/task.
    /// </remarks>
    public static double OtherThreadsSeconds()
    {
        if (!Directory.Exists("/proc/self/task")) return double.NaN;
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds - LlamaThreadsSeconds();
    }

    private static double LlamaThreadsSeconds()
    {
        var ticks = 0L;
        foreach (var dir in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                // "pid (name) state ..." with utime and stime the 14th and 15th fields; the name may hold spaces.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                if (!LlamaThreads.Contains(name)) continue;
                var fields = stat[(close + 2)..].Split(' ');
                ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }
        return ticks / 100.0; // USER_HZ
    }
}
