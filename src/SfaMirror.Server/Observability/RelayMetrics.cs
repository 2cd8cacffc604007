using System.Diagnostics.Metrics;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Observability;

/// <summary>
/// The relay's instruments (System.Diagnostics.Metrics, exported at <c>/metrics</c>). Tags are a small fixed
/// set (message type, error code, state kind, role): never a session code or connection id.
/// </summary>
public sealed class RelayMetrics
{
    public const string MeterName = "SfaMirror.Relay";

    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _messagesSent;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _coalesced;
    private readonly Counter<long> _slowConsumerCloses;
    private readonly Counter<long> _sessionsCreated;
    private readonly Counter<long> _sessionsEnded;
    private readonly Counter<long> _joins;
    private readonly UpDownCounter<long> _connections;
    private readonly Histogram<double> _relayLatency;

    public RelayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _messagesReceived = meter.CreateCounter<long>("relay.messages.received", "{message}", "Messages received from clients, by type.");
        _messagesSent = meter.CreateCounter<long>("relay.messages.sent", "{message}", "Messages written to clients.");
        _bytesReceived = meter.CreateCounter<long>("relay.bytes.received", "By", "Bytes of messages received from clients.");
        _bytesSent = meter.CreateCounter<long>("relay.bytes.sent", "By", "Bytes of messages written to clients.");
        _errors = meter.CreateCounter<long>("relay.errors", "{error}", "ERROR messages sent, by code.");
        _coalesced = meter.CreateCounter<long>("relay.updates.coalesced", "{update}", "State updates replaced by a newer one before a slow member was sent them.");
        _slowConsumerCloses = meter.CreateCounter<long>("relay.slow_consumer.closes", "{connection}", "Connections closed for being too far behind (1013).");
        _sessionsCreated = meter.CreateCounter<long>("relay.sessions.created", "{session}", "Sessions created on this node.");
        _sessionsEnded = meter.CreateCounter<long>("relay.sessions.ended", "{session}", "Sessions ended by their host or by expiry.");
        _joins = meter.CreateCounter<long>("relay.members.joined", "{member}", "Successful creates and joins, by role.");
        _connections = meter.CreateUpDownCounter<long>("relay.connections", "{connection}", "Open WebSocket connections.");
        _relayLatency = meter.CreateHistogram<double>("relay.latency", "ms", "Time from a state update being queued for a member to it being written to the member's socket.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000] });
        meter.CreateObservableGauge("relay.sessions.live", () => LiveSessions, "{session}", "Live sessions (cluster-wide with Redis).");
        meter.CreateObservableGauge("relay.members.live", () => LiveMembers, "{member}", "Members of live sessions.");
        meter.CreateObservableGauge("relay.send_queue.bytes", () => SendQueueBytes(), "By", "Bytes waiting in connections' send queues.");
    }

    /// <summary>Refreshed by the lifecycle loop; reading the store on every scrape would cost too much.</summary>
    public int LiveSessions { get; set; }

    public int LiveMembers { get; set; }

    /// <summary>Sums the send queues of open connections; set by the connection tracker.</summary>
    public Func<long> SendQueueBytes { get; set; } = static () => 0;

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    public void MessageReceived(int bytes) => _bytesReceived.Add(bytes);

    public void MessageHandled(MessageKind kind) => _messagesReceived.Add(1, new KeyValuePair<string, object?>("type", MessageTypes.NameOf(kind)));

    public void FrameWritten(int bytes)
    {
        _messagesSent.Add(1);
        _bytesSent.Add(bytes);
    }

    public void ErrorSent(string code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code));

    public void UpdateCoalesced() => _coalesced.Add(1);

    public void SlowConsumerClosed() => _slowConsumerCloses.Add(1);

    public void SessionCreated() => _sessionsCreated.Add(1);

    public void SessionEnded() => _sessionsEnded.Add(1);

    public void MemberJoined(MemberRole role) => _joins.Add(1, new KeyValuePair<string, object?>("role", MemberRoles.Name(role)));

    public void RelayLatency(double milliseconds) => _relayLatency.Record(milliseconds);
}
