using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net.WebSockets;

using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Transport;

/// <summary>
/// The send side. Everything waiting in the queue goes out in one write. On a plain TCP connection the
/// frames are written to the socket itself, without blocking, by the thread that woke the send loop
/// (usually the receive loop of the member whose message is being relayed): one system call per
/// recipient and no hand-off to Kestrel's output pipe and its I/O thread. When the socket takes it all,
/// that thread writes without even resuming the send loop (<see cref="OutboundQueue.WakeInline"/>). Only
/// when the peer's window is full does the write wait, in the send loop, asynchronously, bounded by
/// <c>SendTimeoutSeconds</c>. Connections without a socket of their own (upgraded through HTTP) write to
/// their output pipe instead.
/// </summary>
internal sealed partial class RelayConnection
{
    private async Task SendLoopAsync()
    {
        try
        {
            while (await _queue.TakeAllAsync().ConfigureAwait(false) is { } batch)
            {
                var bytes = OutboundQueue.FrameBytes(batch);
                if (!await WriteAsync(batch, bytes).ConfigureAwait(false))
                {
                    return;
                }
                _queue.Written(bytes);
            }
            await SendCloseFrameAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException or SocketException)
        {
            Abort();
        }
    }

    /// <summary>The close frame: our own (with its status) or the answer to the peer's.</summary>
    private async Task SendCloseFrameAsync()
    {
        var weClose = Volatile.Read(ref _closeRequested) != 0;
        var status = weClose ? _closeStatus : WebSocketCloseStatus.NormalClosure;
        var frame = WebSocketFrames.CloseFrame(status, weClose ? CloseCodes.Reason(status) : null);
        CloseStatus ??= status;
        var sent = _socket is { } socket
            ? await SendToSocketAsync(socket, frame).ConfigureAwait(false)
            : await WriteToPipeAsync(frame).ConfigureAwait(false);
        if (sent && weClose && !_peerClosed)
        {
            // The peer has CloseHandshakeTimeout to answer; the receive loop reads until it does.
            Volatile.Write(ref _closeSentAt, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Writes and empties <paramref name="batch"/>, whose frames hold <paramref name="bytes"/>. False when the connection is gone.</summary>
    private async ValueTask<bool> WriteAsync(Queue<OutboundQueue.Entry> batch, int bytes)
    {
        if (_socket is not { } socket)
        {
            var output = _transport.Output;
            while (batch.TryDequeue(out var entry))
            {
                var span = output.GetSpan(WebSocketFrames.MaxHeaderBytes + entry.Frame.Length);
                output.Advance(Encode(entry, span));
            }
            return await FlushAsync(output).ConfigureAwait(false);
        }

        var (buffer, length) = EncodeAll(batch, bytes);
        try
        {
            return await SendToSocketAsync(socket, buffer.AsMemory(0, length)).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The send loop's work done by the thread that woke it (see <see cref="OutboundQueue.WakeInline"/>), as long as
    /// the socket takes everything at once: no state machine resumed, no wait. Only plain TCP connections have one.
    /// </summary>
    bool OutboundQueue.IInlineWriter.TryWriteNow(Queue<OutboundQueue.Entry> batch, int bytes, out byte[]? rest)
    {
        rest = null;
        var (buffer, length) = EncodeAll(batch, bytes);
        try
        {
            int sent;
            try
            {
                sent = SendNow(_socket!, buffer.AsSpan(0, length));
            }
            catch (ObjectDisposedException)
            {
                sent = -1;
            }
            if (sent < 0)
            {
                Abort();
                return false;
            }
            if (sent < length)
            {
                rest = buffer.AsSpan(sent, length - sent).ToArray();
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Empties <paramref name="batch"/>, whose frames hold <paramref name="bytes"/>, into one rented buffer as it goes on the wire.</summary>
    private (byte[] Buffer, int Length) EncodeAll(Queue<OutboundQueue.Entry> batch, int bytes)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(bytes + batch.Count * WebSocketFrames.MaxHeaderBytes);
        var length = 0;
        while (batch.TryDequeue(out var entry))
        {
            length += Encode(entry, buffer.AsSpan(length));
        }
        return (buffer, length);
    }

    /// <summary>One queued entry as it goes on the wire: a control frame as it is, a message in a text frame.</summary>
    private int Encode(OutboundQueue.Entry entry, Span<byte> destination)
    {
        var frame = entry.Frame;
        if (entry.IsControl)
        {
            frame.CopyTo(destination);
            return frame.Length;
        }
        var header = WebSocketFrames.WriteHeader(destination, WebSocketFrames.Text, frame.Length);
        frame.CopyTo(destination[header..]);
        _metrics.FrameWritten(frame);
        if (entry.IsRelayedState)
        {
            _metrics.RelayLatency(Stopwatch.GetElapsedTime(entry.EnqueuedAt).TotalMilliseconds);
        }
        return header + frame.Length;
    }

    private async ValueTask<bool> SendToSocketAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            var sent = SendNow(socket, data.Span);
            if (sent < 0)
            {
                return false;
            }
            if (sent == 0)
            {
                // The peer's window is full: wait for room, cut by ConnectionTimeouts after SendTimeoutSeconds.
                Volatile.Write(ref _flushStartedAt, Stopwatch.GetTimestamp());
                try
                {
                    sent = await socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _flushStartedAt, 0);
                }
            }
            data = data[sent..];
        }
        return true;
    }

    /// <summary>One send that never waits: the bytes the socket took (0 when its buffer is full), or -1 when the connection is gone.</summary>
    private static int SendNow(Socket socket, ReadOnlySpan<byte> data)
    {
        var sent = socket.Send(data, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => sent,
            SocketError.WouldBlock => 0,
            _ => -1,
        };
    }

    private async ValueTask<bool> WriteToPipeAsync(byte[] frame)
    {
        _transport.Output.Write(frame);
        return await FlushAsync(_transport.Output).ConfigureAwait(false);
    }

    /// <returns>False when the connection is gone.</returns>
    private async ValueTask<bool> FlushAsync(PipeWriter output)
    {
        var flush = output.FlushAsync();
        FlushResult result;
        if (flush.IsCompleted)
        {
            result = flush.Result;
        }
        else
        {
            // Marked only while a write is stuck (most complete at once into Kestrel's pipe).
            Volatile.Write(ref _flushStartedAt, Stopwatch.GetTimestamp());
            result = await flush.ConfigureAwait(false);
            Volatile.Write(ref _flushStartedAt, 0);
        }
        return !result.IsCompleted && !result.IsCanceled;
    }
}
