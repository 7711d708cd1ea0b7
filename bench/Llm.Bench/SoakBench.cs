using System.Diagnostics;

namespace Llm.Bench;

/// <summary>Many short streamed requests from 16 clients: none may fail, and resident memory must level off.</summary>
internal static class SoakBench
{
    private const int Clients = 16, Generate = 8, FirstBatch = 100;

    public static async Task<SoakFigures> RunAsync(HttpLoad load, int requests, Action<string> log)
    {
        var failed = await RunAsync(load, 0, FirstBatch);
        var after100 = ResidentBytes();
        failed += await RunAsync(load, FirstBatch, requests);
        var afterAll = ResidentBytes();
        var growth = Math.Round(100.0 * (afterAll - after100) / after100, 2);
        log($"soak: {requests} requests from {Clients} clients, {failed} failed; RSS {after100 / 1048576.0:F0} MiB after {FirstBatch}, {afterAll / 1048576.0:F0} MiB after {requests} ({growth:+0.0;-0.0;0.0}%)");
        return new SoakFigures(Clients, requests, failed, after100, afterAll, growth);
    }

    // Clients take request numbers from a shared counter until `end`.
    private static async Task<int> RunAsync(HttpLoad load, int start, int end)
    {
        var next = start - 1;
        var failed = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < end)
            {
                var result = await load.SendAsync(Prompts.Random(24, 70_000 + n), Generate);
                if (!result.Ok) Interlocked.Increment(ref failed);
            }
        }));
        return failed;
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
