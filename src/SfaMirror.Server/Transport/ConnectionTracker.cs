using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.Observability;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Transport;

/// <summary>Every open connection of this node: for ids, counts, the send-queue gauge and closing all on shutdown.</summary>
internal sealed partial class ConnectionTracker : INodeLeaseListener
{
    private readonly ConcurrentDictionary<long, RelayConnection> _open = new();
    private long _lastId;

    private readonly ILogger<ConnectionTracker> _logger;

    public ConnectionTracker(RelayMetrics metrics, ILogger<ConnectionTracker> logger)
    {
        _logger = logger;
        metrics.SendQueueBytes = TotalQueuedBytes;
    }

    public int Count => _open.Count;

    public long NextId() => Interlocked.Increment(ref _lastId);

    public void Add(RelayConnection connection) => _open[connection.Id] = connection;

    public void Remove(RelayConnection connection) => _open.TryRemove(connection.Id, out _);

    /// <summary>The open connections, enumerated without locking or copying (unlike <c>Values</c>, which does both).</summary>
    public IEnumerable<RelayConnection> Snapshot() => _open.Select(static entry => entry.Value);

    /// <summary>The node lost its lease: every client reconnects (1012) and rejoins, on this node or another.</summary>
    public void OnLeaseLost()
    {
        Log.ClosingForLostLease(_logger, Count);
        foreach (var connection in Snapshot())
        {
            connection.Close(CloseCodes.ServiceRestart);
        }
    }

    private long TotalQueuedBytes()
    {
        long total = 0;
        foreach (var (_, connection) in _open)
        {
            total += connection.QueuedBytes;
        }
        return total;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.LeaseLostClosing, LogLevel.Warning, "Closing {Connections} connections with 1012: this node's lease is gone")]
        public static partial void ClosingForLostLease(ILogger logger, int connections);
    }
}
