using System.Buffers;
using SfaMirror.Server.Protocol;
using SfaMirror.Server.Sessions;

namespace SfaMirror.Server.Transport;

/// <summary>The receive side: frames read from the connection's input pipe by the <see cref="FrameReader"/>, messages handed on.</summary>
internal sealed partial class RelayConnection
{
    private async Task ReceiveLoopAsync(IConnectionHandler handler)
    {
        var input = _transport.Input;
        while (true)
        {
            // No buffer is held between reads: Kestrel waits for data before it rents one, and the reader copies
            // a payload out as it arrives, so an idle connection keeps no receive memory at all.
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                // Anything from the peer is a sign of life: a peer that talks needs no pong to prove it is there.
                Volatile.Write(ref _awaitingPongSince, 0);
            }
            var frame = ReadFrames(ref buffer);
            if (frame == FrameEvent.NeedMore)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return; // the peer is gone without a close frame
                }
                continue;
            }
            // Nothing examined past what was consumed: the next read returns the rest at once.
            input.AdvanceTo(buffer.Start);
            switch (frame)
            {
                case FrameEvent.Message:
                    await DeliverAsync(handler).ConfigureAwait(false);
                    break;
                case FrameEvent.Close:
                    _peerClosed = true;
                    CloseStatus ??= _reader.PeerCloseStatus;
                    return;
                default:
                    Fail();
                    break;
            }
        }
    }

    /// <summary>Reads up to the next event the loop acts on; pings are answered here, pongs need nothing.</summary>
    private FrameEvent ReadFrames(ref ReadOnlySequence<byte> buffer)
    {
        Span<byte> control = stackalloc byte[WebSocketFrames.MaxControlPayload];
        while (true)
        {
            var frame = _reader.Read(ref buffer, control);
            if (frame == FrameEvent.Ping)
            {
                if (Volatile.Read(ref _closeRequested) == 0)
                {
                    SendControl(WebSocketFrames.Control(WebSocketFrames.Pong, control[.._reader.ControlLength]));
                }
            }
            else if (frame != FrameEvent.Pong)
            {
                return frame;
            }
        }
    }

    private async ValueTask DeliverAsync(IConnectionHandler handler)
    {
        try
        {
            if (Volatile.Read(ref _closeRequested) != 0)
            {
                return; // closing: messages still arriving before the peer's close frame are dropped
            }
            // What the handler sends while it runs synchronously (replies, relayed updates) is written on
            // this thread once it returns; what it sends after an await (a Redis round trip) goes the usual way.
            var deferred = DeferredWakes.Begin();
            ValueTask handled;
            try
            {
                handled = _reader.MessageOpcode == WebSocketFrames.Binary
                    ? handler.OnBinaryAsync(_aborted.Token)
                    : handler.OnTextAsync(_reader.Message, _aborted.Token);
            }
            finally
            {
                deferred?.End();
            }
            await handled.ConfigureAwait(false);
        }
        finally
        {
            _reader.ReleaseMessage();
        }
    }

    /// <summary>Fails the connection (RFC 6455 7.1.7): the close frame with the reader's status, then the TCP connection is closed soon after.</summary>
    private void Fail()
    {
        var status = _reader.FailStatus;
        if (status == CloseCodes.MessageTooBig)
        {
            Log.MessageTooBig(_logger, Id, _maxMessageBytes);
        }
        else
        {
            Log.ProtocolViolation(_logger, Id, _reader.FailReason ?? "", (int)status);
        }
        Volatile.Write(ref _failing, true);
        Close(status);
    }
}
