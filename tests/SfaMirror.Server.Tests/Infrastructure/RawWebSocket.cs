using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// A WebSocket client written by hand over a bare <see cref="TcpClient"/>: it does only what a test tells
/// it to. It never answers pings, never reads unless asked (so the server's writes back up), and can cut
/// its socket in the middle of a frame. For misbehaving peers that <see cref="TestClient"/> cannot play.
/// </summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Connects and performs the opening handshake.</summary>
    /// <param name="receiveBufferBytes">A small socket receive buffer makes the server's writes back up sooner when this client does not read.</param>
    public static async Task<RawWebSocket> ConnectAsync(Uri uri, int? receiveBufferBytes = null)
    {
        var (response, client) = await SendHeadAsync(uri, UpgradeRequest(uri, NewKey()), receiveBufferBytes: receiveBufferBytes);
        Assert.StartsWith("HTTP/1.1 101", response);
        return client;
    }

    /// <summary>A fresh Sec-WebSocket-Key: 16 random bytes in base64.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>The request head of a plain upgrade of <paramref name="uri"/>, with <paramref name="extraHeaders"/> (each ending in CRLF) added.</summary>
    public static string UpgradeRequest(Uri uri, string key, string extraHeaders = "") =>
        $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Host}:{uri.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n";

    /// <summary>
    /// Connects, sends <paramref name="requestHead"/> (in pieces of <paramref name="pieceBytes"/> with a pause
    /// between them, when given) and reads the response head. The connection stays open for what follows.
    /// </summary>
    public static async Task<(string ResponseHead, RawWebSocket Socket)> SendHeadAsync(Uri uri, string requestHead, int? pieceBytes = null, int? receiveBufferBytes = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        if (receiveBufferBytes is { } size)
        {
            tcp.ReceiveBufferSize = size;
        }
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        await tcp.ConnectAsync(uri.Host, uri.Port, cts.Token);
        var client = new RawWebSocket(tcp);
        return (await client.SendHeadAsync(requestHead, pieceBytes), client);
    }

    /// <summary>Connects without sending anything (for requests sent by hand with <see cref="SendRawAsync"/>).</summary>
    public static async Task<RawWebSocket> OpenAsync(Uri uri)
    {
        var tcp = new TcpClient { NoDelay = true };
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        await tcp.ConnectAsync(uri.Host, uri.Port, cts.Token);
        return new RawWebSocket(tcp);
    }

    /// <summary>Sends a request head on this connection and reads the response head (see <see cref="SendHeadAsync(Uri, string, int?, int?)"/>).</summary>
    public async Task<string> SendHeadAsync(string requestHead, int? pieceBytes = null)
    {
        await SendRawAsync(Encoding.ASCII.GetBytes(requestHead), pieceBytes);
        return await ReadHeadAsync();
    }

    /// <summary>Reads a response head, and nothing after it.</summary>
    public async Task<string> ReadHeadAsync()
    {
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        // Read the response headers byte by byte so that nothing after them is consumed.
        var headers = new StringBuilder();
        var one = new byte[1];
        while (!headers.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await _stream.ReadAsync(one, cts.Token) == 0)
            {
                throw new IOException($"Connection closed during the handshake after: {headers}");
            }
            headers.Append((char)one[0]);
        }
        return headers.ToString();
    }

    /// <summary>Reads <paramref name="count"/> bytes that follow a response head (an HTTP response body, say).</summary>
    public async Task<string> ReadBodyAsync(int count)
    {
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        var body = new byte[count];
        await _stream.ReadExactlyAsync(body, cts.Token);
        return Encoding.ASCII.GetString(body);
    }

    public Task SendTextAsync(string text) => SendFrameAsync(Text, Encoding.UTF8.GetBytes(text));

    /// <summary>Sends one masked frame (as every client frame must be).</summary>
    public async Task SendFrameAsync(byte opcode, byte[] payload, bool fin = true)
    {
        var frame = EncodeFrame(opcode, payload, fin, payload.Length);
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        await _stream.WriteAsync(frame, cts.Token);
    }

    /// <summary>Sends bytes as they are, in pieces of <paramref name="pieceBytes"/> with a pause of <paramref name="pauseMs"/> between them when given.</summary>
    public async Task SendRawAsync(byte[] bytes, int? pieceBytes = null, int pauseMs = 20)
    {
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        var piece = pieceBytes ?? bytes.Length;
        for (var offset = 0; offset < bytes.Length; offset += piece)
        {
            if (offset > 0 && pauseMs > 0)
            {
                await Task.Delay(pauseMs, cts.Token);
            }
            await _stream.WriteAsync(bytes.AsMemory(offset, Math.Min(piece, bytes.Length - offset)), cts.Token);
        }
    }

    /// <summary>One frame as a client sends it (masked), or unmasked as no client may send it; <paramref name="rsv"/> sets reserved bits (1 to 7).</summary>
    public static byte[] Frame(byte opcode, byte[] payload, bool fin = true, bool masked = true, int rsv = 0) => EncodeFrame(opcode, payload, fin, payload.Length, masked, rsv);

    /// <summary>Sends a close frame with <paramref name="status"/> and <paramref name="reason"/> (raw bytes, so that they can be invalid).</summary>
    public Task SendCloseAsync(int status, byte[]? reason = null)
    {
        var payload = new byte[2 + (reason?.Length ?? 0)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)status);
        reason?.CopyTo(payload, 2);
        return SendFrameAsync(Close, payload);
    }

    /// <summary>Sends the header of a text frame that announces <paramref name="announcedLength"/> bytes, then only <paramref name="sent"/> of them.</summary>
    public async Task SendTruncatedFrameAsync(int announcedLength, int sent)
    {
        var frame = EncodeFrame(Text, new byte[announcedLength], true, announcedLength);
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        await _stream.WriteAsync(frame.AsMemory(0, frame.Length - announcedLength + sent), cts.Token);
    }

    /// <summary>Cuts the TCP connection without a close frame (a reset, as when a phone loses its network).</summary>
    public void Cut()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    /// <summary>The next frame the server sent: its opcode and payload. Null when the connection ended.</summary>
    public async Task<(byte Opcode, byte[] Payload)?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestClient.DefaultTimeout);
        try
        {
            var header = new byte[2];
            if (!await ReadExactlyOrEndAsync(header, cts.Token))
            {
                return null;
            }
            long length = header[1] & 0x7F;
            if (length == 126)
            {
                var ext = new byte[2];
                await _stream.ReadExactlyAsync(ext, cts.Token);
                length = BinaryPrimitives.ReadUInt16BigEndian(ext);
            }
            else if (length == 127)
            {
                var ext = new byte[8];
                await _stream.ReadExactlyAsync(ext, cts.Token);
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(ext);
            }
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, cts.Token);
            return ((byte)(header[0] & 0x0F), payload);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No frame in time");
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>The next text message, skipping pings; null when the server closed the connection (see <see cref="CloseStatus"/>).</summary>
    public async Task<JsonElement?> ReadMessageAsync(TimeSpan? timeout = null)
    {
        while (await ReadFrameAsync(timeout) is { } frame)
        {
            if (frame.Opcode == Text)
            {
                using var doc = JsonDocument.Parse(frame.Payload);
                return doc.RootElement.Clone();
            }
            if (frame.Opcode == Close)
            {
                CloseStatus = frame.Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(frame.Payload) : null;
                return null;
            }
        }
        return null;
    }

    /// <summary>The status of the close frame the server sent, once <see cref="ReadMessageAsync"/> met it.</summary>
    public int? CloseStatus { get; private set; }

    /// <summary>Whether the server has ended the TCP connection (reads reach the end of the stream or fail).</summary>
    public async Task<bool> IsDisconnectedAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(buffer, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            return true;
        }
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                return false;
            }
            read += n;
        }
        return true;
    }

    private static byte[] EncodeFrame(byte opcode, byte[] payload, bool fin, int length, bool masked = true, int rsv = 0)
    {
        var maskBit = masked ? 0x80 : 0;
        using var ms = new MemoryStream();
        ms.WriteByte((byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode));
        if (length < 126)
        {
            ms.WriteByte((byte)(maskBit | length));
        }
        else if (length <= ushort.MaxValue)
        {
            ms.WriteByte((byte)(maskBit | 126));
            ms.WriteByte((byte)(length >> 8));
            ms.WriteByte((byte)length);
        }
        else
        {
            ms.WriteByte((byte)(maskBit | 127));
            Span<byte> ext = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(ext, (ulong)length);
            ms.Write(ext);
        }
        if (!masked)
        {
            ms.Write(payload);
            return ms.ToArray();
        }
        var mask = RandomNumberGenerator.GetBytes(4);
        ms.Write(mask);
        for (var i = 0; i < payload.Length; i++)
        {
            ms.WriteByte((byte)(payload[i] ^ mask[i % 4]));
        }
        return ms.ToArray();
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
