using System.Collections.Concurrent;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Transport;

/// <summary>Every open connection of this node: for ids, counts, the send-queue gauge and closing all on shutdown.</summary>
internal sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<long, RelayConnection> _open = new();
    private long _lastId;

    public ConnectionTracker(RelayMetrics metrics)
    {
        metrics.SendQueueBytes = TotalQueuedBytes;
    }

    public int Count => _open.Count;

    public long NextId() => Interlocked.Increment(ref _lastId);

    public void Add(RelayConnection connection) => _open[connection.Id] = connection;

    public void Remove(RelayConnection connection) => _open.TryRemove(connection.Id, out _);

    /// <summary>The open connections, enumerated without locking or copying (unlike <c>Values</c>, which does both).</summary>
    public IEnumerable<RelayConnection> Snapshot() => _open.Select(static entry => entry.Value);

    private long TotalQueuedBytes()
    {
        long total = 0;
        foreach (var (_, connection) in _open)
        {
            total += connection.QueuedBytes;
        }
        return total;
    }
}
