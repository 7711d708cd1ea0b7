namespace Llm.Runtime.Errors;

/// <summary>Every sequence slot is busy and the wait queue is full; the client should retry later.</summary>
public sealed class QueueFullException(int running, int waiting)
    : Exception($"The server is busy: {running} requests are running and {waiting} are waiting, the most it queues. Please retry shortly.")
{
    /// <summary>Gets the most requests that may run at once.</summary>
    public int Running { get; } = running;

    /// <summary>Gets the most requests that may wait.</summary>
    public int Waiting { get; } = waiting;
}
