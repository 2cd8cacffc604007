using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using SfaMirror.Server.Observability;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Transport;

/// <summary>
/// One client's WebSocket: one receive loop that hands complete messages to its handler, and one send
/// loop that drains the bounded <see cref="OutboundQueue"/>. Nothing else writes to the socket, so
/// nothing that fans out to this connection ever waits for it.
/// </summary>
public sealed partial class RelayConnection : IAsyncDisposable
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly int _maxMessageBytes;
    private readonly TimeSpan _sendTimeout;
    private readonly ILogger _logger;
    private readonly RelayMetrics _metrics;
    private readonly CancellationTokenSource _aborted = new();
    private readonly OutboundQueue _queue;
    private readonly Action? _abortTransport;
    private int _closeRequested;
    private WebSocketCloseStatus _closeStatus;

    /// <param name="abortTransport">Cuts the underlying connection (e.g. <c>HttpContext.Abort</c>): aborting the
    /// WebSocket alone does not end a read or write that is pending in the server's pipes.</param>
    public RelayConnection(long id, string remoteAddress, WebSocket socket, RelayOptions options, RelayMetrics metrics, ILogger logger, Action? abortTransport = null)
    {
        _abortTransport = abortTransport;
        Id = id;
        RemoteAddress = remoteAddress;
        _socket = socket;
        _maxMessageBytes = options.MaxMessageBytes;
        _sendTimeout = options.SendTimeout;
        _logger = logger;
        _metrics = metrics;
        _queue = new OutboundQueue(options.CoalesceAboveBytes, options.MaxQueuedBytes);
    }

    public long Id { get; }

    public string RemoteAddress { get; }

    public long QueuedBytes => _queue.QueuedBytes;

    /// <summary>Queues a frame without waiting. A queue over its limit closes the connection with 1013.</summary>
    public EnqueueResult Send(byte[] frame, StateKind? coalesceAs = null, string? sessionCode = null)
    {
        var result = _queue.Enqueue(frame, coalesceAs, sessionCode);
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

    public async Task RunAsync(IConnectionHandler handler, CancellationToken cancellationToken)
    {
        // Reads and writes pass no cancellation token: a cancellable token sends ManagedWebSocket down
        // its slower path and registers a callback on every call. Aborting the socket ends whatever is
        // pending instead, so one registration per connection replaces one per message.
        var onRequestAborted = cancellationToken.UnsafeRegister(static s => ((RelayConnection)s!).Abort(), this);
        var onAborted = _aborted.Token.UnsafeRegister(static s => ((RelayConnection)s!).AbortTransport(), this);
        var sendLoop = SendLoopAsync();
        try
        {
            await ReceiveLoopAsync(handler, _aborted.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The peer vanished, sent a protocol violation (the socket itself answered 1007), timed out
            // its keep-alive, or we aborted it. Either way the connection is over.
            Log.ReceiveEnded(_logger, Id, ex.GetType().Name, ex.Message);
        }
        finally
        {
            try
            {
                await handler.OnClosedAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.HandlerFailed(_logger, Id, ex);
            }
            _queue.Complete(discardPending: true);
            // The send loop ends by itself: its queue is complete and every write is bounded by the send timeout.
            await sendLoop.ConfigureAwait(false);
            onRequestAborted.Dispose();
            onAborted.Dispose();
            _aborted.Cancel();
        }
    }

    /// <summary>
    /// A write accepted nothing for <c>SendTimeoutSeconds</c>. Counted here, where the timeout fires, not where
    /// the write ends: once the transport is aborted, the pending write may complete quietly rather than throw.
    /// </summary>
    private void SendTimedOut()
    {
        Log.SendTimedOut(_logger, Id, _sendTimeout.TotalSeconds);
        _metrics.SlowConsumerClosed();
        AbortTransport();
    }

    private void AbortTransport()
    {
        _socket.Abort();
        _abortTransport?.Invoke();
    }

    private void Abort()
    {
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already over.
        }
    }

    private async Task ReceiveLoopAsync(IConnectionHandler handler, CancellationToken cancellationToken)
    {
        byte[]? buffer = null;
        var length = 0;
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _closeRequested) != 0)
                {
                    await DrainUntilCloseAsync().ConfigureAwait(false);
                    return;
                }

                ValueWebSocketReceiveResult result;
                if (buffer is null)
                {
                    // A zero-byte read waits for the next frame without holding a buffer: an idle
                    // connection then costs no receive memory at all.
                    result = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }
                    if (!result.EndOfMessage || result.Count != 0)
                    {
                        buffer = ArrayPool<byte>.Shared.Rent(4096);
                        continue;
                    }
                }
                else
                {
                    if (length == buffer.Length)
                    {
                        buffer = Grow(buffer, length);
                    }
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }
                    length += result.Count;
                    if (length > _maxMessageBytes)
                    {
                        Log.MessageTooBig(_logger, Id, _maxMessageBytes);
                        Close(CloseCodes.MessageTooBig);
                        continue;
                    }
                    if (!result.EndOfMessage)
                    {
                        continue;
                    }
                }

                var message = buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, length);
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    await handler.OnTextAsync(message, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await handler.OnBinaryAsync(cancellationToken).ConfigureAwait(false);
                }
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
                length = 0;
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private byte[] Grow(byte[] buffer, int length)
    {
        // One byte past the limit is enough to know a message is too big.
        var size = (int)Math.Min((long)buffer.Length * 2, (long)_maxMessageBytes + 1);
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(size, buffer.Length + 1));
        buffer.AsSpan(0, length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }

    /// <summary>After we sent a close frame: read and discard until the peer's close frame arrives.</summary>
    private async Task DrainUntilCloseAsync()
    {
        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await _socket.ReceiveAsync(scratch.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private async Task SendLoopAsync()
    {
        // Armed only while a write is stuck (most complete at once into Kestrel's pipe); when it fires
        // it aborts the socket, which ends the pending write.
        using var timeout = new CancellationTokenSource();
        using var onTimeout = timeout.Token.UnsafeRegister(static s => ((RelayConnection)s!).SendTimedOut(), this);
        try
        {
            while (await _queue.TakeAllAsync().ConfigureAwait(false) is { } batch)
            {
                while (batch.TryDequeue(out var entry))
                {
                    var frame = entry.Frame;
                    var write = _socket.SendAsync(frame.AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None);
                    if (write.IsCompleted)
                    {
                        write.GetAwaiter().GetResult();
                    }
                    else
                    {
                        timeout.CancelAfter(_sendTimeout);
                        await write.ConfigureAwait(false);
                        timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                    }
                    _queue.Written(frame.Length);
                    _metrics.FrameWritten(frame);
                    if (entry.IsRelayedState)
                    {
                        _metrics.RelayLatency(Stopwatch.GetElapsedTime(entry.EnqueuedAt).TotalMilliseconds);
                    }
                }
            }
            var weClose = Volatile.Read(ref _closeRequested) != 0;
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                // Either our own close (with its status), or the answer to the peer's close frame.
                var status = weClose ? _closeStatus : WebSocketCloseStatus.NormalClosure;
                timeout.CancelAfter(_sendTimeout);
                await _socket.CloseOutputAsync(status, weClose ? CloseCodes.Reason(status) : null, CancellationToken.None).ConfigureAwait(false);
                timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            }
            if (weClose)
            {
                // Give the peer a moment to answer our close frame, then cut it off.
                _aborted.CancelAfter(CloseHandshakeTimeout);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _socket.Abort();
            Abort();
        }
    }

    public ValueTask DisposeAsync()
    {
        _aborted.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
