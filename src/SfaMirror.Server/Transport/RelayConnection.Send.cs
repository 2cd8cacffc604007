using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Transport;

/// <summary>
/// The send side: the one send loop takes everything queued and gives it to the <see cref="FrameWriter"/> in
/// one go; when the queue is done, the close frame follows.
/// </summary>
internal sealed partial class RelayConnection
{
    /// <summary>After a failure's close frame, how long the peer has to go before the connection is cut.</summary>
    private static readonly TimeSpan FailLinger = TimeSpan.FromMilliseconds(500);

    private async Task SendLoopAsync()
    {
        try
        {
            while (await _queue.TakeAllAsync().ConfigureAwait(false) is { } batch)
            {
                var bytes = OutboundQueue.FrameBytes(batch);
                if (!await _writer.WriteAsync(batch, bytes).ConfigureAwait(false))
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

    /// <summary>The close frame: our own (with its status), or the answer to the peer's, which echoes its status.</summary>
    private async Task SendCloseFrameAsync()
    {
        var weClose = Volatile.Read(ref _closeRequested) != 0;
        var status = weClose ? _closeStatus
            : _reader.PeerCloseStatus is WebSocketCloseStatus.Empty ? WebSocketCloseStatus.NormalClosure : _reader.PeerCloseStatus;
        var frame = WebSocketFrames.CloseFrame(status, weClose ? CloseCodes.Reason(status) : null);
        CloseStatus ??= status;
        if (!await _writer.WriteFrameAsync(frame).ConfigureAwait(false))
        {
            return;
        }
        if (Volatile.Read(ref _failing))
        {
            // A failed connection is not kept for the peer's answer (RFC 6455 7.1.7): the FIN follows the close
            // frame at once, and whatever the peer still sends is discarded until it goes or the linger ends.
            _writer.ShutdownSend();
            try
            {
                await Task.Delay(FailLinger, _aborted.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // the connection ended meanwhile
            }
            Abort();
            return;
        }
        if (weClose && !_peerClosed)
        {
            // The peer has CloseHandshakeTimeout to answer; the receive loop reads until it does.
            Volatile.Write(ref _closeSentAt, Stopwatch.GetTimestamp());
        }
    }
}
