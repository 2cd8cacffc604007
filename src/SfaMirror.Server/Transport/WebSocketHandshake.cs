using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SfaMirror.Server.Transport;

/// <summary>
/// Recognises, in the first bytes of a connection, the one request the relay answers without Kestrel's
/// HTTP layer: a well-formed HTTP/1.1 WebSocket upgrade of <c>/</c> or <c>/ws</c>. Anything else, or
/// anything unusual about it, is <see cref="HandshakeStatus.NotOurs"/> and goes to the HTTP pipeline,
/// which answers it exactly as before (including its own WebSocket path), so this fast path never has
/// to reproduce HTTP's error handling.
/// </summary>
internal static class WebSocketHandshake
{
    /// <summary>A head longer than this is left to Kestrel's own limits.</summary>
    public const int MaxHeadBytes = 8192;

    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static ReadOnlySpan<byte> Get => "GET "u8;
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    public static HandshakeStatus TryParse(in ReadOnlySequence<byte> buffer, out long headLength, out string? acceptKey)
    {
        headLength = 0;
        acceptKey = null;
        var length = (int)Math.Min(buffer.Length, MaxHeadBytes);
        byte[]? rented = null;
        var head = buffer.FirstSpan.Length >= length
            ? buffer.FirstSpan[..length]
            : Copy(buffer, length, out rented);
        try
        {
            if (!head[..Math.Min(head.Length, Get.Length)].SequenceEqual(Get[..Math.Min(head.Length, Get.Length)]))
            {
                return HandshakeStatus.NotOurs;
            }
            var end = head.IndexOf(HeadEnd);
            if (end < 0)
            {
                return head.Length >= MaxHeadBytes ? HandshakeStatus.NotOurs : HandshakeStatus.NeedMore;
            }
            headLength = end + HeadEnd.Length;
            acceptKey = ParseUpgrade(head[..(end + 2)]);
            return acceptKey is null ? HandshakeStatus.NotOurs : HandshakeStatus.Upgrade;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The 101 response that completes the handshake.</summary>
    public static int WriteResponse(string acceptKey, Span<byte> destination)
    {
        var written = 0;
        Append("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: "u8, destination, ref written);
        written += Encoding.ASCII.GetBytes(acceptKey, destination[written..]);
        Append("\r\n\r\n"u8, destination, ref written);
        return written;
    }

    public const int MaxResponseBytes = 160;

    private static void Append(ReadOnlySpan<byte> text, Span<byte> destination, ref int written)
    {
        text.CopyTo(destination[written..]);
        written += text.Length;
    }

    private static ReadOnlySpan<byte> Copy(in ReadOnlySequence<byte> buffer, int length, out byte[]? rented)
    {
        rented = ArrayPool<byte>.Shared.Rent(length);
        buffer.Slice(0, length).CopyTo(rented);
        return rented.AsSpan(0, length);
    }

    /// <param name="head">The request line and headers, each ending in CRLF.</param>
    /// <returns>The Sec-WebSocket-Accept value, or null when this is not a request the fast path takes.</returns>
    private static string? ParseUpgrade(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var requestLine = head[..lineEnd];
        if (!requestLine.EndsWith(" HTTP/1.1"u8))
        {
            return null;
        }
        var target = requestLine[Get.Length..^" HTTP/1.1"u8.Length];
        var query = target.IndexOf((byte)'?');
        var path = query < 0 ? target : target[..query];
        if (!(path.SequenceEqual("/"u8) || path.SequenceEqual("/ws"u8)) || target.IndexOfAny((byte)' ', (byte)'#') >= 0)
        {
            return null;
        }

        bool host = false, upgrade = false, connection = false, version = false;
        ReadOnlySpan<byte> key = default;
        var rest = head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            var line = rest[..lineEnd];
            rest = rest[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            // No colon, an empty name, whitespace before the colon or a folded line: Kestrel answers those with 400.
            if (colon <= 0 || line[colon - 1] is (byte)' ' or (byte)'\t' || line[0] is (byte)' ' or (byte)'\t' || line.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0)
            {
                return null;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Host"u8))
            {
                if (host) return null;
                host = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Upgrade"u8))
            {
                upgrade |= HasToken(value, "websocket"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                connection |= HasToken(value, "upgrade"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Version"u8))
            {
                if (version || !value.SequenceEqual("13"u8)) return null;
                version = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Key"u8))
            {
                if (!key.IsEmpty) return null;
                key = value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8) || Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                // A body on an upgrade request is HTTP's business.
                return null;
            }
        }
        return host && upgrade && connection && version && IsValidKey(key) ? AcceptKey(key) : null;
    }

    private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>RFC 6455 4.2.1: the key is 16 random bytes in base64, which is always 24 characters.</summary>
    private static bool IsValidKey(ReadOnlySpan<byte> key)
    {
        Span<byte> decoded = stackalloc byte[18];
        return key.Length == 24 && Base64.DecodeFromUtf8(key, decoded, out _, out var written) == OperationStatus.Done && written == 16;
    }

    /// <summary>The Sec-WebSocket-Accept value for a Sec-WebSocket-Key.</summary>
    public static string AcceptKey(string key) => AcceptKey(Encoding.ASCII.GetBytes(key));

    private static string AcceptKey(ReadOnlySpan<byte> key)
    {
        Span<byte> input = stackalloc byte[24 + AcceptGuid.Length];
        key.CopyTo(input);
        Encoding.ASCII.GetBytes(AcceptGuid, input[24..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        return Convert.ToBase64String(hash);
    }
}
