using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SfaMirror.Server.Transport;

/// <summary>
/// Recognises, in the first bytes of a connection, the one request the relay answers without Kestrel's
/// HTTP layer: a WebSocket upgrade of <c>/</c> or <c>/ws</c>. A valid one is <see cref="HandshakeStatus.Upgrade"/>;
/// one that breaks RFC 6455 4.2.1 is refused here with the status the RFC names (<see cref="UpgradeRequest"/>
/// judges, as it does for the HTTP pipeline's path). Anything else, or any HTTP syntax out of the ordinary, is
/// <see cref="HandshakeStatus.NotOurs"/> and goes to the HTTP pipeline, so this fast path never has to
/// reproduce HTTP's own error handling.
/// </summary>
internal static class WebSocketHandshake
{
    /// <summary>A head longer than this is left to Kestrel's own limits.</summary>
    public const int MaxHeadBytes = 8192;

    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static ReadOnlySpan<byte> Get => "GET "u8;
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    /// <param name="request">The upgrade's headers, when the verdict is <see cref="HandshakeStatus.Upgrade"/>.</param>
    public static HandshakeStatus TryParse(in ReadOnlySequence<byte> buffer, out long headLength, out string? acceptKey, out UpgradeRequest request)
    {
        headLength = 0;
        acceptKey = null;
        request = default;
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
            return ParseUpgrade(head[..(end + 2)], out acceptKey, out request);
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
    /// <param name="acceptKey">The Sec-WebSocket-Accept value, when the verdict is <see cref="HandshakeStatus.Upgrade"/>.</param>
    private static HandshakeStatus ParseUpgrade(ReadOnlySpan<byte> head, out string? acceptKey, out UpgradeRequest request)
    {
        acceptKey = null;
        request = new UpgradeRequest();
        var lineEnd = head.IndexOf("\r\n"u8);
        var requestLine = head[..lineEnd];
        var isHttp11 = requestLine.EndsWith(" HTTP/1.1"u8);
        if ((!isHttp11 && !requestLine.EndsWith(" HTTP/1.0"u8)) || requestLine.Length <= Get.Length + " HTTP/1.1"u8.Length)
        {
            return HandshakeStatus.NotOurs;
        }
        var target = requestLine[Get.Length..^" HTTP/1.1"u8.Length];
        var query = target.IndexOf((byte)'?');
        var path = query < 0 ? target : target[..query];
        if (!(path.SequenceEqual("/"u8) || path.SequenceEqual("/ws"u8)) || target.IndexOfAny((byte)' ', (byte)'#') >= 0)
        {
            return HandshakeStatus.NotOurs;
        }

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
                return HandshakeStatus.NotOurs;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8) || Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                // A body on an upgrade request is HTTP's business.
                return HandshakeStatus.NotOurs;
            }
            if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Key"u8))
            {
                key = value;
            }
            request.Add(name, value);
        }
        if (!request.IsWebSocket)
        {
            return HandshakeStatus.NotOurs;
        }
        var verdict = request.Verdict(isGet: true, isHttp11);
        if (verdict == HandshakeStatus.Upgrade)
        {
            acceptKey = AcceptKey(key);
        }
        return verdict;
    }

    /// <summary>The response refusing an upgrade that broke no rule but may not be admitted now (403, 429, 503); the connection closes after it.</summary>
    public static byte[] Refusal(int statusCode, int retryAfterSeconds)
    {
        var reason = statusCode switch { 403 => "Forbidden", 429 => "Too Many Requests", _ => "Service Unavailable" };
        var retry = retryAfterSeconds > 0 ? $"Retry-After: {retryAfterSeconds}\r\n" : "";
        return Encoding.ASCII.GetBytes($"HTTP/1.1 {statusCode} {reason}\r\nConnection: close\r\n{retry}Content-Length: 0\r\n\r\n");
    }

    /// <summary>The response refusing an upgrade with <paramref name="status"/> (400 or 426); the connection closes after it.</summary>
    public static ReadOnlySpan<byte> Refusal(HandshakeStatus status) => status == HandshakeStatus.UpgradeRequired
        ? "HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n"u8
        : "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"u8;

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
