using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Unicode;

using SfaMirror.Server.Protocol;

using SfaMirror.Server.Sessions;

namespace SfaMirror.Server.Transport;

/// <summary>The receive side: RFC 6455 frames parsed straight from the connection's input pipe.</summary>
internal sealed partial class RelayConnection
{
    // The frame being read (its payload may arrive over several reads) and the message it belongs to.
    private long _frameRemaining;
    private uint _frameMask;
    private int _frameMaskOffset;
    private bool _frameFin;
    private bool _frameSkipped;
    private byte _messageOpcode;
    private byte[]? _message;
    private int _messageLength;
    private bool _peerClosed;
    private bool _failed;

    private enum Step
    {
        /// <summary>A frame was handled; parse the next.</summary>
        Continue,
        /// <summary>The buffer holds no further whole frame header or control frame.</summary>
        NeedMore,
        /// <summary>A whole data message is in <see cref="_message"/>.</summary>
        Message,
        /// <summary>The peer's close frame arrived.</summary>
        Closed,
    }

    private async Task ReceiveLoopAsync(IConnectionHandler handler)
    {
        var input = _transport.Input;
        while (true)
        {
            // No buffer is held between reads: Kestrel waits for data before it rents one, and a frame's
            // payload is copied out as it arrives, so an idle connection keeps no receive memory at all.
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var step = Step.NeedMore;
            if (_failed)
            {
                // After a protocol violation nothing more is parsed; the close handshake timeout ends it.
                buffer = buffer.Slice(buffer.End);
            }
            else
            {
                do
                {
                    step = ParseFrame(ref buffer);
                }
                while (step == Step.Continue);
            }

            if (step == Step.NeedMore)
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
            if (step == Step.Closed)
            {
                return;
            }
            await DeliverAsync(handler).ConfigureAwait(false);
        }
    }

    private async ValueTask DeliverAsync(IConnectionHandler handler)
    {
        var opcode = _messageOpcode;
        var message = _message is null ? ReadOnlyMemory<byte>.Empty : _message.AsMemory(0, _messageLength);
        _messageOpcode = 0;
        try
        {
            if (Volatile.Read(ref _closeRequested) != 0)
            {
                return; // closing: messages still arriving before the peer's close frame are dropped
            }
            if (opcode != WebSocketFrames.Binary && !Utf8.IsValid(message.Span))
            {
                Close(CloseCodes.InvalidPayload);
                return;
            }
            // What the handler sends while it runs synchronously (replies, relayed updates) is written on
            // this thread once it returns; what it sends after an await (a Redis round trip) goes the usual way.
            var deferred = DeferredWakes.Begin();
            ValueTask handled;
            try
            {
                handled = opcode == WebSocketFrames.Binary
                    ? handler.OnBinaryAsync(_aborted.Token)
                    : handler.OnTextAsync(message, _aborted.Token);
            }
            finally
            {
                deferred?.End();
            }
            await handled.ConfigureAwait(false);
        }
        finally
        {
            ReturnMessageBuffer();
        }
    }

    private void ReturnMessageBuffer()
    {
        if (_message is { } rented)
        {
            _message = null;
            _messageLength = 0;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Parses one frame, or as much of one's payload as has arrived, and slices it off <paramref name="buffer"/>.</summary>
    private Step ParseFrame(ref ReadOnlySequence<byte> buffer)
    {
        if (_frameRemaining > 0)
        {
            return ReadPayload(ref buffer);
        }
        if (buffer.Length < 2)
        {
            return Step.NeedMore;
        }
        Span<byte> header = stackalloc byte[14];
        var available = (int)Math.Min(buffer.Length, header.Length);
        buffer.Slice(0, available).CopyTo(header);
        var fin = (header[0] & 0x80) != 0;
        var opcode = (byte)(header[0] & 0x0F);
        var masked = (header[1] & 0x80) != 0;
        var length7 = header[1] & 0x7F;
        var headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
        if (available < headerLength)
        {
            return Step.NeedMore;
        }
        long length = length7 switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(header[2..]),
            127 => (long)BinaryPrimitives.ReadUInt64BigEndian(header[2..]),
            _ => length7,
        };
        var mask = MemoryMarshal.Read<uint>(header[(headerLength - 4)..]);

        if ((header[0] & 0x70) != 0) return Violation("reserved bits set");
        if (!masked) return Violation("unmasked client frame");
        if (length < 0) return Violation("frame length over 2^63");
        // Any frame is a sign of life: a peer that talks needs no pong to prove it is there.
        Volatile.Write(ref _awaitingPongSince, 0);

        if (opcode >= WebSocketFrames.Close)
        {
            if (!fin || length > WebSocketFrames.MaxControlPayload) return Violation("fragmented or oversized control frame");
            if (buffer.Length < headerLength + length) return Step.NeedMore;
            Span<byte> payload = stackalloc byte[(int)length];
            buffer.Slice(headerLength, length).CopyTo(payload);
            Unmask(payload, mask, 0);
            buffer = buffer.Slice(headerLength + length);
            return OnControlFrame(opcode, payload);
        }

        if (opcode == WebSocketFrames.Continuation)
        {
            if (_messageOpcode == 0) return Violation("continuation without a message");
        }
        else if (opcode is WebSocketFrames.Text or WebSocketFrames.Binary)
        {
            if (_messageOpcode != 0) return Violation("new message inside a fragmented one");
            _messageOpcode = opcode;
            _messageLength = 0;
        }
        else
        {
            return Violation($"reserved opcode {opcode}");
        }

        buffer = buffer.Slice(headerLength);
        _frameFin = fin;
        _frameMask = mask;
        _frameMaskOffset = 0;
        _frameRemaining = length;
        _frameSkipped = Volatile.Read(ref _closeRequested) != 0 || _messageLength + length > _maxMessageBytes;
        if (_frameSkipped && Volatile.Read(ref _closeRequested) == 0)
        {
            Log.MessageTooBig(_logger, Id, _maxMessageBytes);
            Close(CloseCodes.MessageTooBig);
        }
        else if (!_frameSkipped)
        {
            EnsureMessageCapacity(_messageLength + (int)length);
        }
        return ReadPayload(ref buffer);
    }

    private Step ReadPayload(ref ReadOnlySequence<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, _frameRemaining);
        if (!_frameSkipped && count > 0)
        {
            var destination = _message.AsSpan(_messageLength, count);
            buffer.Slice(0, count).CopyTo(destination);
            Unmask(destination, _frameMask, _frameMaskOffset);
            _messageLength += count;
        }
        _frameMaskOffset = (_frameMaskOffset + count) & 3;
        _frameRemaining -= count;
        buffer = buffer.Slice(count);
        if (_frameRemaining > 0)
        {
            return Step.NeedMore;
        }
        if (!_frameFin)
        {
            return Step.Continue;
        }
        if (_frameSkipped)
        {
            _messageOpcode = 0;
            _messageLength = 0;
            return Step.Continue;
        }
        return Step.Message;
    }

    private Step OnControlFrame(byte opcode, ReadOnlySpan<byte> payload)
    {
        switch (opcode)
        {
            case WebSocketFrames.Ping:
                if (Volatile.Read(ref _closeRequested) == 0)
                {
                    SendControl(WebSocketFrames.Control(WebSocketFrames.Pong, payload));
                }
                return Step.Continue;
            case WebSocketFrames.Pong:
                return Step.Continue;
            case WebSocketFrames.Close:
                if (payload.Length == 1) return Violation("one-byte close payload");
                _peerClosed = true;
                CloseStatus ??= payload.Length >= 2 ? (WebSocketCloseStatus)BinaryPrimitives.ReadUInt16BigEndian(payload) : WebSocketCloseStatus.Empty;
                return Step.Closed;
            default:
                return Violation($"reserved control opcode {opcode}");
        }
    }

    private Step Violation(string what)
    {
        Log.ProtocolViolation(_logger, Id, what);
        _failed = true;
        Close(CloseCodes.ProtocolError);
        return Step.NeedMore;
    }

    private void EnsureMessageCapacity(int needed)
    {
        if (_message is null)
        {
            _message = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 256));
        }
        else if (_message.Length < needed)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _message.Length * 2));
            _message.AsSpan(0, _messageLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_message);
            _message = bigger;
        }
    }

    /// <summary>XORs <paramref name="data"/> with the frame's mask, starting <paramref name="offset"/> bytes into it.</summary>
    private static void Unmask(Span<byte> data, uint mask, int offset)
    {
        if (offset != 0)
        {
            mask = BitOperations.RotateRight(mask, offset * 8);
        }
        var i = 0;
        var mask64 = ((ulong)mask << 32) | mask;
        for (; i + 8 <= data.Length; i += 8)
        {
            var word = MemoryMarshal.Read<ulong>(data[i..]) ^ mask64;
            MemoryMarshal.Write(data[i..], in word);
        }
        for (; i < data.Length; i++)
        {
            data[i] ^= (byte)(mask >> ((i & 3) * 8));
        }
    }
}
