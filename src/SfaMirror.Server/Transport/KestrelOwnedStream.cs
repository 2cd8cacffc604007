namespace SfaMirror.Server.Transport;

/// <summary>
/// The upgraded connection's stream as the WebSocket sees it, minus disposal. When the WebSocket fails
/// a receive (invalid UTF-8 after it sent its 1007 close frame, say) it disposes its stream at once,
/// and disposing Kestrel's upgrade stream aborts the connection with the close frame still unsent, so
/// the client saw a cut instead of 1007. Kestrel owns the stream and closes it, flushed, when the
/// request ends; cutting a connection on purpose goes through <c>HttpContext.Abort</c>.
/// </summary>
internal sealed class KestrelOwnedStream(Stream inner) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // Deliberately not disposing the inner stream: see the summary.
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
