using System.Diagnostics.Metrics;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Observability;

/// <summary>
/// The relay's instruments (System.Diagnostics.Metrics, exported at <c>/metrics</c>). Tags are a small fixed
/// set (message type, error code, state kind, role): never a session code or connection id.
/// </summary>
internal sealed class RelayMetrics
{
    public const string MeterName = "SfaMirror.Relay";

    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _coalesced;
    private readonly Counter<long> _slowConsumerCloses;
    private readonly Counter<long> _sessionsCreated;
    private readonly Counter<long> _sessionsEnded;
    private readonly Counter<long> _joins;
    private readonly Counter<long> _joinsFailed;
    private readonly Counter<long> _joinsRefused;
    private readonly Counter<long> _connectionsRefused;
    private readonly UpDownCounter<long> _connections;
    private readonly Histogram<double> _relayLatency;
    private long _openConnections;
    private long _messagesReceivedTotal;
    private long _messagesSentTotal;
    private long _bytesSentTotal;

    // Frames written, per FrameTypes index. Counted with one atomic add each and read by observable counters
    // at export: a tagged Counter.Add per written frame (a tag lookup and an aggregator update) costs a
    // measurable share of a delivery's CPU (docs/performance-log.md).
    private readonly long[] _sentByType = new long[FrameTypes.Names.Count];

    public RelayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _messagesReceived = meter.CreateCounter<long>("relay.messages.received", "{message}", "Messages received from clients, by type.");
        meter.CreateObservableCounter("relay.messages.sent", SentByType, "{message}", "Messages written to clients, by type.");
        // Prometheus names: relay_received_bytes_total / relay_sent_bytes_total (the exporter appends the unit only when absent).
        _bytesReceived = meter.CreateCounter<long>("relay.received.bytes", "By", "Bytes of messages received from clients.");
        meter.CreateObservableCounter("relay.sent.bytes", BytesSent, "By", "Bytes of messages written to clients.");
        _errors = meter.CreateCounter<long>("relay.errors", "{error}", "ERROR messages sent, by code.");
        _coalesced = meter.CreateCounter<long>("relay.updates.coalesced", "{update}", "State updates replaced by a newer one before a slow member was sent them.");
        _slowConsumerCloses = meter.CreateCounter<long>("relay.slow_consumer.closes", "{connection}", "Connections closed for being too far behind (1013).");
        _sessionsCreated = meter.CreateCounter<long>("relay.sessions.created", "{session}", "Sessions created on this node.");
        _sessionsEnded = meter.CreateCounter<long>("relay.sessions.ended", "{session}", "Sessions ended by their host or by expiry.");
        _joins = meter.CreateCounter<long>("relay.members.joined", "{member}", "Successful creates and joins, by role.");
        _joinsFailed = meter.CreateCounter<long>("relay.joins.failed", "{join}", "JOIN_SESSIONs tried that failed, by reason (not_found, full, store_unavailable).");
        _joinsRefused = meter.CreateCounter<long>("relay.joins.refused", "{join}", "JOIN_SESSIONs refused before they were tried, by limit (connection, address_minute, address_hour).");
        _connectionsRefused = meter.CreateCounter<long>("relay.connections.refused", "{connection}",
            "Upgrades refused before a WebSocket was made, by limit (address_concurrent, address_rate, server, origin).");
        _connections = meter.CreateUpDownCounter<long>("relay.connections", "{connection}", "Open WebSocket connections.");
        // Seconds, as OpenTelemetry and Prometheus want durations: relay_delivery_duration_seconds.
        _relayLatency = meter.CreateHistogram<double>("relay.delivery.duration", "s", "Time from a state update being queued for a member to it being written to the member's socket.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
        meter.CreateObservableGauge("relay.sessions.live", () => LiveSessions, "{session}", "Live sessions (cluster-wide with Redis).");
        meter.CreateObservableGauge("relay.members.live", () => LiveMembers, "{member}", "Members of live sessions.");
        meter.CreateObservableGauge("relay.send_queue.bytes", () => SendQueueBytes(), "By", "Bytes waiting in connections' send queues.");
    }

    /// <summary>Refreshed by the lifecycle loop; reading the store on every scrape would cost too much.</summary>
    public int LiveSessions { get; set; }

    public int LiveMembers { get; set; }

    /// <summary>Sums the send queues of open connections; set by the connection tracker.</summary>
    public Func<long> SendQueueBytes { get; set; } = static () => 0;

    /// <summary>Connections open on this node now.</summary>
    public long OpenConnections => Interlocked.Read(ref _openConnections);

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _openConnections);
        _connections.Add(1);
    }

    public void ConnectionClosed()
    {
        Interlocked.Decrement(ref _openConnections);
        _connections.Add(-1);
    }

    /// <summary>Messages received since start, whatever became of them (for the admin page's rate chart).</summary>
    public long MessagesReceivedTotal => Interlocked.Read(ref _messagesReceivedTotal);

    /// <summary>Frames written since start (for the admin page's rate chart).</summary>
    public long MessagesSentTotal => Interlocked.Read(ref _messagesSentTotal);

    public void MessageReceived(int bytes)
    {
        Interlocked.Increment(ref _messagesReceivedTotal);
        _bytesReceived.Add(bytes);
    }

    public void MessageHandled(MessageKind kind) => _messagesReceived.Add(1, new KeyValuePair<string, object?>("type", MessageTypes.NameOf(kind)));

    /// <summary>Counts one frame written to a socket, tagged with its type (one of a fixed set).</summary>
    public void FrameWritten(ReadOnlySpan<byte> frame)
    {
        Interlocked.Increment(ref _messagesSentTotal);
        Interlocked.Increment(ref _sentByType[FrameTypes.IndexOf(frame)]);
        Interlocked.Add(ref _bytesSentTotal, frame.Length);
    }

    /// <summary>
    /// Bytes sent so far, once there are any: like a counter never added to, and like <see cref="SentByType"/>, a zero
    /// is not reported. (Several relays in one process, as in the tests, share one metric stream per name, see
    /// MetricsCollection in the tests; a relay with nothing sent then does not hide another's count behind its zero.)
    /// </summary>
    private IEnumerable<Measurement<long>> BytesSent()
    {
        var bytes = Interlocked.Read(ref _bytesSentTotal);
        return bytes > 0 ? [new Measurement<long>(bytes)] : [];
    }

    /// <summary>The types sent so far, each with its count (types never sent are left out, as a counter never added to is).</summary>
    private IEnumerable<Measurement<long>> SentByType()
    {
        for (var i = 0; i < _sentByType.Length; i++)
        {
            var count = Interlocked.Read(ref _sentByType[i]);
            if (count > 0)
            {
                yield return new Measurement<long>(count, new KeyValuePair<string, object?>("type", FrameTypes.Names[i]));
            }
        }
    }

    public void ErrorSent(string code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code));

    public void UpdateCoalesced() => _coalesced.Add(1);

    public void SlowConsumerClosed() => _slowConsumerCloses.Add(1);

    public void SessionCreated() => _sessionsCreated.Add(1);

    public void SessionEnded() => _sessionsEnded.Add(1);

    public void MemberJoined(MemberRole role) => _joins.Add(1, new KeyValuePair<string, object?>("role", MemberRoles.Name(role)));

    /// <param name="reason">One of a fixed few (<c>not_found</c>, <c>full</c>, <c>store_unavailable</c>): never a code.</param>
    public void JoinFailed(string reason) => _joinsFailed.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <param name="limit">One of a fixed few (<c>connection</c>, <c>address_minute</c>, <c>address_hour</c>): never an address.</param>
    public void JoinRefused(string limit) => _joinsRefused.Add(1, new KeyValuePair<string, object?>("limit", limit));

    /// <param name="limit">One of a fixed few (<c>address_concurrent</c>, <c>address_rate</c>, <c>server</c>, <c>origin</c>): never an address.</param>
    public void ConnectionRefused(string limit) => _connectionsRefused.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void RelayLatency(double milliseconds) => _relayLatency.Record(milliseconds / 1000.0);
}
