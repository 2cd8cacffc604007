using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Unicode;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Transport;

/// <summary>
/// RFC 6455 frames as a server receives them, parsed from whatever bytes have arrived: a plain synchronous
/// state machine that knows no socket. A data payload is unmasked into the message buffer as it arrives,
/// and that buffer grows with the bytes that did arrive, never with what a header announces, so a peer
/// that announces a megabyte and sends sixteen bytes costs sixteen bytes, not a megabyte. Text is checked
/// for UTF-8 as it arrives too, so a bad sequence fails the connection at the fragment that holds it.
/// Between messages nothing is held (<see cref="ReleaseMessage"/>).
/// </summary>
internal sealed class FrameReader(int maxMessageBytes)
{
    /// <summary>A first buffer big enough for a typical message, small enough for a peer that sends little.</summary>
    private const int FirstBufferBytes = 256;

    private long _frameRemaining;
    private uint _frameMask;
    private int _frameMaskOffset;
    private bool _frameFin;
    private byte _messageOpcode;
    private byte[]? _message;
    private int _messageLength;
    private int _utf8Checked;
    private bool _done;

    /// <summary>The opcode (text or binary) of the message that <see cref="FrameEvent.Message"/> reported.</summary>
    public byte MessageOpcode { get; private set; }

    /// <summary>The message that <see cref="FrameEvent.Message"/> reported; valid until <see cref="ReleaseMessage"/> or the next read.</summary>
    public ReadOnlyMemory<byte> Message => _message is null ? ReadOnlyMemory<byte>.Empty : _message.AsMemory(0, _messageLength);

    /// <summary>The size of the message buffer held right now (0 between messages).</summary>
    public int BufferCapacity => _message?.Length ?? 0;

    /// <summary>The payload length of the ping or pong just reported.</summary>
    public int ControlLength { get; private set; }

    /// <summary>The status of the peer's close frame (<see cref="WebSocketCloseStatus.Empty"/> when it carried none).</summary>
    public WebSocketCloseStatus PeerCloseStatus { get; private set; }

    /// <summary>The status to close with after <see cref="FrameEvent.Fail"/>.</summary>
    public WebSocketCloseStatus FailStatus { get; private set; }

    /// <summary>What broke the protocol, for the log.</summary>
    public string? FailReason { get; private set; }

    /// <summary>
    /// Parses frames from <paramref name="buffer"/>, slicing off what it consumed, up to the first event.
    /// A control frame's payload is unmasked into <paramref name="control"/> (at least 125 bytes).
    /// </summary>
    public FrameEvent Read(ref ReadOnlySequence<byte> buffer, Span<byte> control)
    {
        if (_done)
        {
            // After a close or a failure nothing more is processed (RFC 6455 7.1.7).
            buffer = buffer.Slice(buffer.End);
            return FrameEvent.NeedMore;
        }
        while (true)
        {
            if (_frameRemaining == 0)
            {
                var header = ReadHeader(ref buffer, control);
                if (header != FrameEvent.Message)
                {
                    return header;
                }
            }
            var payload = ReadPayload(ref buffer);
            if (payload != FrameEvent.Message)
            {
                return payload; // the frame goes on in the next bytes, or failed
            }
            if (!_frameFin)
            {
                continue; // a fragment is done; its message goes on in the next frame
            }
            MessageOpcode = _messageOpcode;
            _messageOpcode = 0;
            return FrameEvent.Message;
        }
    }

    /// <summary>Returns the message buffer to the pool; an idle connection holds none.</summary>
    public void ReleaseMessage()
    {
        if (_message is { } rented)
        {
            _message = null;
            _messageLength = 0;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// One frame header. Returns <see cref="FrameEvent.Message"/> when a data frame's payload follows (its
    /// state set), or the event of a whole control frame, <see cref="FrameEvent.NeedMore"/>, or a failure.
    /// Each rule is checked as soon as the bytes it needs are there, so a bad frame fails before its end.
    /// </summary>
    private FrameEvent ReadHeader(ref ReadOnlySequence<byte> buffer, Span<byte> control)
    {
        if (buffer.Length < 2)
        {
            return FrameEvent.NeedMore;
        }
        Span<byte> header = stackalloc byte[14];
        var available = (int)Math.Min(buffer.Length, header.Length);
        buffer.Slice(0, available).CopyTo(header);
        var fin = (header[0] & 0x80) != 0;
        var opcode = (byte)(header[0] & 0x0F);
        var length7 = header[1] & 0x7F;

        if ((header[0] & 0x70) != 0) return Fail(CloseCodes.ProtocolError, "reserved bits set");
        if ((header[1] & 0x80) == 0) return Fail(CloseCodes.ProtocolError, "unmasked client frame");
        var isControl = opcode >= WebSocketFrames.Close;
        if (isControl)
        {
            if (opcode > WebSocketFrames.Pong) return Fail(CloseCodes.ProtocolError, "reserved control opcode");
            if (!fin) return Fail(CloseCodes.ProtocolError, "fragmented control frame");
            if (length7 > WebSocketFrames.MaxControlPayload) return Fail(CloseCodes.ProtocolError, "control frame over 125 bytes");
        }
        else if (opcode == WebSocketFrames.Continuation)
        {
            if (_messageOpcode == 0) return Fail(CloseCodes.ProtocolError, "continuation without a message");
        }
        else if (opcode is WebSocketFrames.Text or WebSocketFrames.Binary)
        {
            if (_messageOpcode != 0) return Fail(CloseCodes.ProtocolError, "new message inside a fragmented one");
        }
        else
        {
            return Fail(CloseCodes.ProtocolError, "reserved data opcode");
        }

        var headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
        if (available < headerLength)
        {
            return FrameEvent.NeedMore;
        }
        var length = length7 switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(header[2..]),
            127 => BinaryPrimitives.ReadUInt64BigEndian(header[2..]),
            _ => (ulong)length7,
        };
        if (length > long.MaxValue) return Fail(CloseCodes.ProtocolError, "frame length over 2^63");
        var mask = MemoryMarshal.Read<uint>(header[(headerLength - 4)..]);

        if (isControl)
        {
            if (buffer.Length < headerLength + (long)length)
            {
                return FrameEvent.NeedMore;
            }
            var payload = control[..(int)length];
            buffer.Slice(headerLength, payload.Length).CopyTo(payload);
            Unmask(payload, mask, 0);
            buffer = buffer.Slice(headerLength + payload.Length);
            return OnControlFrame(opcode, payload);
        }

        // Judged on the header: a message that will not fit fails before any of it is buffered.
        var messageLength = opcode == WebSocketFrames.Continuation ? _messageLength : 0;
        if ((ulong)messageLength + length > (ulong)maxMessageBytes)
        {
            return Fail(CloseCodes.MessageTooBig, "message too big");
        }
        if (opcode != WebSocketFrames.Continuation)
        {
            _messageOpcode = opcode;
            _messageLength = 0;
            _utf8Checked = 0;
        }
        buffer = buffer.Slice(headerLength);
        _frameFin = fin;
        _frameMask = mask;
        _frameMaskOffset = 0;
        _frameRemaining = (long)length;
        return FrameEvent.Message;
    }

    /// <summary>
    /// As much of the current data frame's payload as has arrived. <see cref="FrameEvent.Message"/> means
    /// the bytes were taken (the frame may still have more to come); otherwise a failure.
    /// </summary>
    private FrameEvent ReadPayload(ref ReadOnlySequence<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, _frameRemaining);
        if (count > 0)
        {
            EnsureCapacity(_messageLength + count);
            var destination = _message.AsSpan(_messageLength, count);
            buffer.Slice(0, count).CopyTo(destination);
            Unmask(destination, _frameMask, _frameMaskOffset);
            _messageLength += count;
            _frameMaskOffset = (_frameMaskOffset + count) & 3;
            _frameRemaining -= count;
            buffer = buffer.Slice(count);
        }
        var final = _frameFin && _frameRemaining == 0;
        if (_messageOpcode == WebSocketFrames.Text && (count > 0 || final))
        {
            var pending = _message is null ? ReadOnlySpan<byte>.Empty : _message.AsSpan(_utf8Checked, _messageLength - _utf8Checked);
            if (!WebSocketValidation.IsValidUtf8(pending, final, out var complete))
            {
                return Fail(CloseCodes.InvalidPayload, "invalid utf-8");
            }
            _utf8Checked += complete;
        }
        return _frameRemaining > 0 ? FrameEvent.NeedMore : FrameEvent.Message;
    }

    private FrameEvent OnControlFrame(byte opcode, ReadOnlySpan<byte> payload)
    {
        ControlLength = payload.Length;
        switch (opcode)
        {
            case WebSocketFrames.Ping:
                return FrameEvent.Ping;
            case WebSocketFrames.Pong:
                return FrameEvent.Pong;
            default:
                if (payload.Length == 1) return Fail(CloseCodes.ProtocolError, "one-byte close payload");
                if (payload.Length >= 2)
                {
                    var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
                    if (!WebSocketValidation.IsValidCloseCode(code)) return Fail(CloseCodes.ProtocolError, "invalid close code");
                    if (!Utf8.IsValid(payload[2..])) return Fail(CloseCodes.InvalidPayload, "close reason not utf-8");
                    PeerCloseStatus = (WebSocketCloseStatus)code;
                }
                else
                {
                    PeerCloseStatus = WebSocketCloseStatus.Empty;
                }
                _done = true;
                return FrameEvent.Close;
        }
    }

    private FrameEvent Fail(WebSocketCloseStatus status, string reason)
    {
        FailStatus = status;
        FailReason = reason;
        _done = true;
        ReleaseMessage();
        return FrameEvent.Fail;
    }

    /// <summary>
    /// Room for <paramref name="needed"/> bytes: doubling with what arrives, never past what the current
    /// frame announced (so a message that arrives whole gets one buffer of its size).
    /// </summary>
    private void EnsureCapacity(int needed)
    {
        var current = _message?.Length ?? 0;
        if (current >= needed)
        {
            return;
        }
        var announced = (long)_messageLength + _frameRemaining;
        var size = (int)Math.Max(needed, Math.Min(announced, Math.Max(current * 2L, FirstBufferBytes)));
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        if (_message is { } old)
        {
            old.AsSpan(0, _messageLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(old);
        }
        _message = bigger;
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
