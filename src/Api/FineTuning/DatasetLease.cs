using Llm.Finetune.Data;

namespace Llm.Api.FineTuning;

/// <summary>A hold on one parsed dataset from a <see cref="DatasetCache"/>; disposing it (once or more) lets the rows go.</summary>
/// <remarks>The rows are shared with other leases on the same file: read them, never change them.</remarks>
public sealed class DatasetLease : IDisposable
{
    private Action? _release;

    internal DatasetLease(LabeledDataset data, Action release)
    {
        Data = data;
        _release = release;
    }

    /// <summary>Gets the parsed rows.</summary>
    public LabeledDataset Data { get; }

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
