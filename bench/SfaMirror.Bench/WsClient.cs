using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace SfaMirror.Bench;

/// <summary>
/// A lean WebSocket client: a raw socket, a hand-written upgrade request and the runtime's managed
/// WebSocket over the stream. Skipping ClientWebSocket's HTTP handler keeps the generator cheap
/// and lets each connection pick its loopback source address.
/// </summary>
internal sealed class WsClient : IAsyncDisposable
{
    private const int IpBindAddressNoPort = 24; // Linux IP_BIND_ADDRESS_NO_PORT: choose the port at connect, per destination.
    private byte[] _buffer = new byte[2048];

    private WsClient(WebSocket socket) => Socket = socket;

    public WebSocket Socket { get; }

    public static async Task<WsClient> ConnectAsync(Uri url, IPAddress? source, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                socket.SetRawSocketOption(0, IpBindAddressNoPort, BitConverter.GetBytes(1));
                socket.Bind(new IPEndPoint(source, 0));
            }
            await socket.ConnectAsync(url.Host, url.Port, ct).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);
            var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
            var request = $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Host}:{url.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct).ConfigureAwait(false);
            // The server sends nothing after its 101 until we speak, so reading up to the blank line is exact.
            var head = new byte[1024];
            var read = 0;
            // Peek first and consume only up to the blank line: a frame may follow the 101 at once (a ping),
            // and it belongs to the WebSocket, not to the response head.
            var peeked = new byte[head.Length];
            while (read < 4 || head.AsSpan(0, read).IndexOf("\r\n\r\n"u8) < 0)
            {
                var n = await socket.ReceiveAsync(peeked.AsMemory(0, head.Length - read), SocketFlags.Peek, ct).ConfigureAwait(false);
                if (n == 0) throw new IOException("upgrade failed: connection closed");
                peeked.AsSpan(0, n).CopyTo(head.AsSpan(read));
                var end = head.AsSpan(0, read + n).IndexOf("\r\n\r\n"u8);
                var take = end < 0 ? n : end + 4 - read;
                if (end < 0 && read + n >= head.Length) throw new IOException("upgrade failed: header too long");
                await stream.ReadExactlyAsync(head.AsMemory(read, take), ct).ConfigureAwait(false);
                read += take;
            }
            if (!head.AsSpan(0, read).StartsWith("HTTP/1.1 101"u8)) throw new IOException("upgrade refused: " + Encoding.ASCII.GetString(head, 0, Math.Min(read, 40)));
            var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
            return new WsClient(ws);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> text, CancellationToken ct) =>
        Socket.SendAsync(text, WebSocketMessageType.Text, true, ct);

    public ValueTask SendAsync(string text, CancellationToken ct) => SendAsync(Encoding.UTF8.GetBytes(text), ct);

    /// <summary>The next whole text message (valid until the next call), or empty once the peer closed.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken ct)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            var r = await Socket.ReceiveAsync(_buffer.AsMemory(length), ct).ConfigureAwait(false);
            if (r.MessageType == WebSocketMessageType.Close) return ReadOnlyMemory<byte>.Empty;
            length += r.Count;
            if (r.EndOfMessage) return _buffer.AsMemory(0, length);
        }
    }

    /// <summary>Receives until a message starting with <c>{"type":"TYPE"</c> arrives.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveTypeAsync(string type, CancellationToken ct)
    {
        var prefix = Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\"");
        while (true)
        {
            var m = await ReceiveAsync(ct).ConfigureAwait(false);
            if (m.IsEmpty) throw new IOException($"closed while waiting for {type}");
            if (m.Span.StartsWith(prefix)) return m;
            if (m.Span.StartsWith("{\"type\":\"ERROR\""u8)) throw new IOException("server error: " + Encoding.UTF8.GetString(m.Span));
        }
    }

    /// <summary>Creates a session as host and returns its code.</summary>
    public async Task<string> CreateSessionAsync(CancellationToken ct)
    {
        await SendAsync("{\"type\":\"CREATE_SESSION\"}", ct).ConfigureAwait(false);
        var m = await ReceiveTypeAsync("SESSION_CREATED", ct).ConfigureAwait(false);
        var span = m.Span;
        var at = span.IndexOf("\"sessionId\":\""u8) + 13;
        return Encoding.ASCII.GetString(span.Slice(at, 6));
    }

    public async Task JoinAsync(string code, CancellationToken ct)
    {
        await SendAsync($"{{\"type\":\"JOIN_SESSION\",\"sessionId\":\"{code}\"}}", ct).ConfigureAwait(false);
        await ReceiveTypeAsync("SESSION_JOINED", ct).ConfigureAwait(false);
    }

    /// <summary>A clean close handshake, bounded so that a stuck server cannot hang the generator.</summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            Socket.Abort();
        }
    }

    public ValueTask DisposeAsync()
    {
        Socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
