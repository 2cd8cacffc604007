using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using SfaMirror.Server.Observability;
using SfaMirror.Server.Protocol;
using SfaMirror.Server.Sessions;

namespace SfaMirror.Server.Transport;

/// <summary>
/// One client's WebSocket, spoken (RFC 6455) straight over the connection's pipes. It composes three parts:
/// the <see cref="FrameReader"/> (bytes in, frame events out), the bounded <see cref="OutboundQueue"/> that
/// any thread fills without waiting, and the <see cref="FrameWriter"/>, the only path to the wire. One
/// receive loop feeds the reader and hands complete messages to the handler; one send loop drains the queue
/// into the writer, so nothing that fans out to the connection ever waits for it. Timeouts (keep-alive, stuck writes,
/// the close handshake) are checked by <see cref="ConnectionTimeouts"/> for every connection at once,
/// rather than by a timer per connection: an idle screen costs a few hundred bytes, not a timer's worth.
/// </summary>
internal sealed partial class RelayConnection : IClientConnection, IDisposable
{
    private static readonly long CloseHandshakeTimeout = Stopwatch.Frequency * 2;

    private readonly IDuplexPipe _transport;
    private readonly Action _abortTransport;
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private readonly int _maxMessageBytes;
    private readonly ILogger _logger;
    private readonly RelayMetrics _metrics;
    private readonly CancellationTokenSource _aborted = new();
    private readonly OutboundQueue _queue;
    private int _closeRequested;
    private WebSocketCloseStatus _closeStatus;
    private bool _peerClosed;
    /// <summary>We close because the peer broke the protocol or a limit: the TCP connection goes right after our close frame.</summary>
    private bool _failing;

    // Read by ConnectionTimeouts; Stopwatch timestamps, 0 when not running.
    private long _closeSentAt;
    private long _awaitingPongSince;
    private long _pingSentAt;

    /// <param name="transport">The connection's pipes, after the opening handshake.</param>
    /// <param name="abortTransport">Cuts the connection; any pending read or write then ends.</param>
    /// <param name="socket">The connection's own socket, when frames may be written to it directly (see <see cref="FrameWriter"/>).</param>
    public RelayConnection(long id, string remoteAddress, string clientAddress, string userAgent, IDuplexPipe transport, TransportOptions options, RelayMetrics metrics, ILogger logger, Action abortTransport, Socket? socket = null)
    {
        Id = id;
        RemoteAddress = remoteAddress;
        ClientAddress = clientAddress;
        UserAgent = userAgent;
        _transport = transport;
        _abortTransport = abortTransport;
        _maxMessageBytes = options.MaxMessageBytes;
        _logger = logger;
        _metrics = metrics;
        _reader = new FrameReader(options.MaxMessageBytes);
        _writer = new FrameWriter(transport.Output, socket, metrics, abortTransport);
        _queue = new OutboundQueue(options.CoalesceAboveBytes, options.MaxQueuedBytes, _writer.CanWriteInline ? _writer : null);
        // The first ping comes at a random point of the second half of the first interval, so that connections
        // opened together (a fleet reconnecting after a deploy) are not all pinged in the same pass ever after,
        // and none is pinged while it is still reading the handshake's answer.
        _pingSentAt = Stopwatch.GetTimestamp() - (long)(Random.Shared.NextDouble() * options.KeepAliveInterval.TotalSeconds / 2 * Stopwatch.Frequency);
    }

    public long Id { get; }

    public string RemoteAddress { get; }

    public string ClientAddress { get; }

    public string UserAgent { get; }

    public long QueuedBytes => _queue.QueuedBytes;

    /// <summary>The status of the close frame that ended the connection (ours or the peer's), if any.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>Queues a frame without waiting. A queue over its limit closes the connection with 1013.</summary>
    public void Send(OutboundFrame frame) => Enqueue(frame, control: false);

    /// <summary>Queues a whole control frame (ping, pong) under the same limit.</summary>
    private void SendControl(byte[] frame) => Enqueue(frame, control: true);

    private EnqueueResult Enqueue(OutboundFrame frame, bool control)
    {
        var result = _queue.Enqueue(frame, control);
        if (result == EnqueueResult.Overflow)
        {
            Log.SlowConsumer(_logger, Id, _queue.QueuedBytes);
            _metrics.SlowConsumerClosed();
            Close(CloseCodes.TryAgainLater);
        }
        else if (result == EnqueueResult.Coalesced)
        {
            _metrics.UpdateCoalesced();
        }
        return result;
    }

    /// <summary>
    /// Starts closing with the given status: queued frames are dropped (except on a service restart,
    /// where they are flushed first) and the send loop sends the close frame. Safe from any thread.
    /// </summary>
    public void Close(WebSocketCloseStatus status)
    {
        if (Interlocked.CompareExchange(ref _closeRequested, 1, 0) != 0)
        {
            return;
        }
        _closeStatus = status;
        _queue.Complete(discardPending: status != CloseCodes.ServiceRestart);
    }

    public async Task RunAsync(IConnectionHandler handler)
    {
        var sendLoop = SendLoopAsync();
        try
        {
            await ReceiveLoopAsync(handler).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException or SocketException)
        {
            // The peer vanished, or we aborted the connection (keep-alive, stuck write, close handshake timeout).
            Log.ReceiveEnded(_logger, Id, ex.GetType().Name, ex.Message);
        }
        finally
        {
            _reader.ReleaseMessage();
            try
            {
                await handler.OnClosedAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.HandlerFailed(_logger, Id, ex);
            }
            // After the peer's close frame, what was queued in answer to the frames before it (pongs, replies)
            // still goes out ahead of our close frame; a peer that vanished gets nothing more.
            _queue.Complete(discardPending: !_peerClosed);
            _aborted.Cancel();
            // The send loop ends by itself: its queue is complete and a stuck write is cut by ConnectionTimeouts.
            await sendLoop.ConfigureAwait(false);
        }
    }

    /// <summary>Called about every tick by <see cref="ConnectionTimeouts"/>: sends keep-alive pings and cuts what timed out.</summary>
    internal void CheckTimeouts(long now, in ConnectionTimeouts.Limits limits)
    {
        var flushStartedAt = _writer.StuckSince;
        if (flushStartedAt != 0 && now - flushStartedAt > limits.SendTimeout)
        {
            // Counted here, where the timeout fires: once the transport is aborted the pending write may end quietly.
            Log.SendTimedOut(_logger, Id, (double)limits.SendTimeout / Stopwatch.Frequency);
            _metrics.SlowConsumerClosed();
            Abort();
            return;
        }
        var closeSentAt = Volatile.Read(ref _closeSentAt);
        if (closeSentAt != 0)
        {
            if (now - closeSentAt > CloseHandshakeTimeout)
            {
                Abort(); // our close frame went unanswered
            }
            return;
        }
        var awaitingPongSince = Volatile.Read(ref _awaitingPongSince);
        if (awaitingPongSince != 0 && now - awaitingPongSince > limits.KeepAliveTimeout)
        {
            Log.KeepAliveTimedOut(_logger, Id, (double)limits.KeepAliveTimeout / Stopwatch.Frequency);
            Abort();
            return;
        }
        if (now - _pingSentAt >= limits.KeepAliveInterval)
        {
            _pingSentAt = now;
            Interlocked.CompareExchange(ref _awaitingPongSince, now, 0);
            SendControl(WebSocketFrames.KeepAlivePing);
        }
    }

    private void Abort()
    {
        _abortTransport();
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already over.
        }
    }

    public void Dispose() => _aborted.Dispose();
}
