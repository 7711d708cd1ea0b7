using System.Collections.Concurrent;

namespace Llm.Bench;

/// <summary>
/// Owns a <see cref="RawDecode"/> on a dedicated thread, like the engine's, so raw runs can be interleaved with
/// the HTTP rounds: on a shared machine the speed drifts by ±15% within minutes, and only a baseline measured
/// right next to each round gives a ratio that means something.
/// </summary>
/// <remarks>
/// Decoding on the process's main thread after the first run was measured many times slower (llama.cpp's
/// OpenMP workers and the main thread do not mix well), hence the thread.
/// </remarks>
internal sealed class RawDecodeWorker : IDisposable
{
    private readonly BlockingCollection<(Func<RawDecode, RawResult> Run, TaskCompletionSource<RawResult> Done)> _jobs = [];
    private readonly Thread _thread;

    public RawDecodeWorker(string modelPath, int threads, int gpuLayers)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _thread = new Thread(() =>
        {
            RawDecode decoder;
            try
            {
                decoder = new RawDecode(modelPath, threads, gpuLayers);
                ready.SetResult();
            }
            catch (Exception ex)
            {
                ready.SetException(ex);
                return;
            }
            using (decoder)
            {
                foreach (var (run, done) in _jobs.GetConsumingEnumerable())
                {
                    try
                    {
                        done.SetResult(run(decoder));
                    }
                    catch (Exception ex)
                    {
                        done.SetException(ex);
                    }
                }
            }
        }) { Name = "raw-decode", IsBackground = true };
        _thread.Start();
        ready.Task.GetAwaiter().GetResult();
    }

    /// <summary>Runs <see cref="RawDecode.Run"/> on the worker's thread.</summary>
    public Task<RawResult> RunAsync(int sequences, int tokens, bool separatePrefill = false)
    {
        var done = new TaskCompletionSource<RawResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _jobs.Add((decoder => decoder.Run(sequences, 16, tokens, separatePrefill), done));
        return done.Task;
    }

    public void Dispose()
    {
        _jobs.CompleteAdding();
        _thread.Join();
        _jobs.Dispose();
    }
}
