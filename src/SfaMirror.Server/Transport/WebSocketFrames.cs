using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;

namespace SfaMirror.Server.Transport;

/// <summary>RFC 6455 framing as the server writes it: unmasked, unfragmented frames.</summary>
internal static class WebSocketFrames
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    /// <summary>Control frames carry at most this many payload bytes.</summary>
    public const int MaxControlPayload = 125;

    /// <summary>The longest header a server frame can have (no mask).</summary>
    public const int MaxHeaderBytes = 10;

    /// <summary>The keep-alive ping: empty, the same bytes for every connection.</summary>
    public static readonly byte[] KeepAlivePing = [0x80 | Ping, 0];

    /// <summary>Writes the header of a final frame of <paramref name="opcode"/> carrying <paramref name="payloadLength"/> bytes.</summary>
    public static int WriteHeader(Span<byte> destination, byte opcode, int payloadLength)
    {
        destination[0] = (byte)(0x80 | opcode);
        if (payloadLength <= 125)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }
        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }
        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }

    /// <summary>A whole control frame (pong, close), built once when needed.</summary>
    public static byte[] Control(byte opcode, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[2 + payload.Length];
        WriteHeader(frame, opcode, payload.Length);
        payload.CopyTo(frame.AsSpan(2));
        return frame;
    }

    /// <summary>A close frame with its status code and reason text.</summary>
    public static byte[] CloseFrame(WebSocketCloseStatus status, string? reason)
    {
        Span<byte> payload = stackalloc byte[MaxControlPayload];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)status);
        var length = 2 + (reason is null ? 0 : Encoding.UTF8.GetBytes(reason.AsSpan(0, Math.Min(reason.Length, 40)), payload[2..]));
        return Control(Close, payload[..length]);
    }
}
