using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Transport;

/// <summary>
/// Every byte a connection sends after its handshake goes through here, by one of three paths: on a plain
/// TCP connection straight to the socket, without blocking, either from the send loop
/// (<see cref="WriteAsync"/>) or from the thread that woke it (<see cref="OutboundQueue.IInlineWriter.TryWriteNow"/>,
/// one system call per recipient and no hand-off to Kestrel's I/O thread); on any other connection (TLS,
/// upgraded through HTTP) to the output pipe. Only a full peer window makes a write wait, asynchronously, and
/// <see cref="StuckSince"/> lets the connection cut it after <c>SendTimeoutSeconds</c>.
/// One writer at a time is what keeps frames whole; the queue's parking hands the turn from the send loop to
/// one waking thread and back, and every write here enters the turn and fails loudly if someone holds it.
/// </summary>
internal sealed class FrameWriter(PipeWriter output, Socket? socket, RelayMetrics metrics, Action abortTransport) : OutboundQueue.IInlineWriter
{
    private int _writing;
    private long _stuckSince;

    /// <summary>Whether batches can be written by the waking thread (a socket of its own).</summary>
    public bool CanWriteInline => socket is not null;

    /// <summary><see cref="Stopwatch"/> timestamp since which a write has been waiting for room; 0 when none is.</summary>
    public long StuckSince => Volatile.Read(ref _stuckSince);

    /// <summary>Writes and empties a batch the send loop took, whose frames hold <paramref name="bytes"/>. False when the connection is gone.</summary>
    public async ValueTask<bool> WriteAsync(Queue<OutboundQueue.Entry> batch, int bytes)
    {
        Enter();
        try
        {
            return await WriteBatchAsync(batch, bytes).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>One whole frame (the close frame), once the queue is drained. False when the connection is gone.</summary>
    public async ValueTask<bool> WriteFrameAsync(byte[] frame)
    {
        Enter();
        try
        {
            if (socket is not null)
            {
                return await SendToSocketAsync(socket, frame).ConfigureAwait(false);
            }
            output.Write(frame);
            return await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Ends the sending direction (a FIN after the close frame) where there is a socket to do it on.</summary>
    public void ShutdownSend()
    {
        try
        {
            socket?.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Gone already.
        }
    }

    bool OutboundQueue.IInlineWriter.TryWriteNow(Queue<OutboundQueue.Entry> batch, int bytes, out byte[]? rest)
    {
        rest = null;
        Enter();
        var (buffer, length) = EncodeAll(batch, bytes);
        try
        {
            int sent;
            try
            {
                sent = SendNow(socket!, buffer.AsSpan(0, length));
            }
            catch (ObjectDisposedException)
            {
                sent = -1;
            }
            if (sent < 0)
            {
                abortTransport();
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
            Exit();
        }
    }

    private void Enter()
    {
        if (Interlocked.Exchange(ref _writing, 1) != 0)
        {
            throw new InvalidOperationException("A second writer started while a write was under way; frames would interleave.");
        }
    }

    private void Exit() => Volatile.Write(ref _writing, 0);

    private async ValueTask<bool> WriteBatchAsync(Queue<OutboundQueue.Entry> batch, int bytes)
    {
        if (socket is null)
        {
            while (batch.TryDequeue(out var entry))
            {
                var span = output.GetSpan(WebSocketFrames.MaxHeaderBytes + entry.Frame.Length);
                output.Advance(Encode(entry, span));
            }
            return await FlushAsync().ConfigureAwait(false);
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
        metrics.FrameWritten(frame);
        if (entry.IsRelayedState)
        {
            metrics.RelayLatency(Stopwatch.GetElapsedTime(entry.EnqueuedAt).TotalMilliseconds);
        }
        return header + frame.Length;
    }

    private async ValueTask<bool> SendToSocketAsync(Socket target, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            var sent = SendNow(target, data.Span);
            if (sent < 0)
            {
                return false;
            }
            if (sent == 0)
            {
                // The peer's window is full: wait for room, cut after SendTimeoutSeconds.
                Volatile.Write(ref _stuckSince, Stopwatch.GetTimestamp());
                try
                {
                    sent = await target.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _stuckSince, 0);
                }
            }
            data = data[sent..];
        }
        return true;
    }

    /// <summary>One send that never waits: the bytes the socket took (0 when its buffer is full), or -1 when the connection is gone.</summary>
    private static int SendNow(Socket target, ReadOnlySpan<byte> data)
    {
        var sent = target.Send(data, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => sent,
            SocketError.WouldBlock => 0,
            _ => -1,
        };
    }

    /// <returns>False when the connection is gone.</returns>
    private async ValueTask<bool> FlushAsync()
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
            Volatile.Write(ref _stuckSince, Stopwatch.GetTimestamp());
            result = await flush.ConfigureAwait(false);
            Volatile.Write(ref _stuckSince, 0);
        }
        return !result.IsCompleted && !result.IsCanceled;
    }
}
