using System.Buffers;
using System.IO.Pipelines;

namespace SfaMirror.Server.Transport;

/// <summary>
/// A connection's pipes as the stream a <see cref="System.Net.WebSockets.WebSocket"/> reads and writes,
/// for connections the relay upgraded itself (<see cref="WebSocketConnectionMiddleware"/>). Disposing it
/// leaves the connection alone: Kestrel owns it and closes it, flushed, when the middleware returns.
/// A zero-byte read waits for data without copying or holding anything, so an idle connection keeps no buffer.
/// </summary>
internal sealed class ConnectionStream(IDuplexPipe transport) : Stream
{
    private int _reading;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref _reading, 1);
        ReadResult result;
        try
        {
            result = await transport.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
        var buffer = result.Buffer;
        if (buffer.IsEmpty)
        {
            transport.Input.AdvanceTo(buffer.End);
            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            return 0; // completed: the peer closed its side
        }
        var count = (int)Math.Min(buffer.Length, destination.Length);
        buffer.Slice(0, count).CopyTo(destination.Span);
        // Consumed only what was copied; a zero-byte read consumes nothing, so the next read returns at once.
        transport.Input.AdvanceTo(buffer.GetPosition(count));
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        var flush = transport.Output.WriteAsync(source, cancellationToken);
        return flush.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitFlush(flush);
    }

    private static async ValueTask AwaitFlush(ValueTask<FlushResult> flush) => await flush.ConfigureAwait(false);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The connection stays open (see the summary), but a read still waiting must end: the WebSocket
        // disposes its stream to abort, e.g. when a peer missed its keep-alive pong. A disposal with no read
        // pending (after a failed receive, whose close frame is still to be drained) leaves reading possible.
        if (Volatile.Read(ref _reading) != 0)
        {
            transport.Input.CancelPendingRead();
        }
    }

    public override ValueTask DisposeAsync()
    {
        Dispose(true);
        return ValueTask.CompletedTask;
    }
}
