namespace Llm.Api.FineTuning;

/// <summary>
/// Reports synchronously on the caller's thread, unlike <see cref="Progress{T}"/>, which posts to the thread
/// pool and can reorder or outlive the training run.
/// </summary>
public sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
