using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// A raw WebSocket client over a real socket. A background loop collects every message; every wait has
/// a default timeout so that a missing message fails the test fast instead of hanging it.
/// </summary>
public sealed class TestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _receiveLoop;

    private TestClient(ClientWebSocket socket)
    {
        Socket = socket;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    public ClientWebSocket Socket { get; }

    /// <summary>Why the receive loop ended, when it ended without a close frame (for failure messages).</summary>
    public Exception? ReceiveError { get; private set; }

    /// <summary>The close status the server sent, once the connection is closed (null when it was cut).</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    public static async Task<TestClient> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(uri, cts.Token);
        return new TestClient(socket);
    }

    /// <summary>
    /// Connects from <paramref name="from"/> (any of 127.0.0.0/8 works on loopback), with extra request headers:
    /// how tests play a client at another address, or one behind a proxy.
    /// </summary>
    public static async Task<TestClient> ConnectAsync(Uri uri, IPAddress from, params (string Name, string Value)[] headers)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        foreach (var (name, value) in headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }
        // Not disposed here: the upgraded connection outlives the handshake and is closed with the socket.
        var invoker = new HttpMessageInvoker(BoundHandler(from));
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(uri, invoker, cts.Token);
        return new TestClient(socket);
    }

    /// <summary>An HTTP handler whose sockets are bound to <paramref name="from"/> before they connect.</summary>
    public static SocketsHttpHandler BoundHandler(IPAddress from) => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var tcp = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                tcp.Bind(new IPEndPoint(from, 0));
                await tcp.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(tcp, ownsSocket: true);
            }
            catch
            {
                tcp.Dispose();
                throw;
            }
        },
    };

    public Task SendTextAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.SendAsync(bytes, type, true, cts.Token);
    }

    /// <summary>The next message, whatever its type.</summary>
    public async Task<JsonElement> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _messages.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No message within {(timeout ?? DefaultTimeout).TotalSeconds} s");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"Connection closed ({_closed.Task.Result}) while waiting for a message");
        }
    }

    /// <summary>The next message, which must be an <c>ERROR</c> with <paramref name="code"/>.</summary>
    public async Task<JsonElement> ExpectErrorAsync(string code, TimeSpan? timeout = null)
    {
        var message = await ExpectAsync("ERROR", timeout);
        Assert.True(message.GetProperty("payload").GetProperty("code").GetString() == code, $"Expected {code} but got {message.GetRawText()}");
        return message;
    }

    /// <summary>Skips messages until one of <paramref name="type"/> arrives (for tests that only care about the last of a stream).</summary>
    public async Task<JsonElement> SkipUntilAsync(string type, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            JsonElement message;
            try
            {
                message = await _messages.Reader.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {type} within {(timeout ?? DefaultTimeout).TotalSeconds} s");
            }
            if (message.GetProperty("type").GetString() == type && (match is null || match(message)))
            {
                return message;
            }
        }
    }

    /// <summary>The next message, which must be of <paramref name="type"/>.</summary>
    public async Task<JsonElement> ExpectAsync(string type, TimeSpan? timeout = null)
    {
        var message = await ReceiveAsync(timeout);
        Assert.True(message.GetProperty("type").GetString() == type, $"Expected {type} but got {message.GetRawText()}");
        return message;
    }

    /// <summary>Asserts that no message arrives within <paramref name="window"/>.</summary>
    public async Task ExpectNothingAsync(TimeSpan? window = null)
    {
        using var cts = new CancellationTokenSource(window ?? TimeSpan.FromMilliseconds(300));
        try
        {
            var message = await _messages.Reader.ReadAsync(cts.Token);
            Assert.Fail($"Expected no message but got {message.GetRawText()}");
        }
        catch (OperationCanceledException)
        {
        }
        catch (ChannelClosedException)
        {
        }
    }

    /// <summary>Waits for the server to close the connection and returns its close status.</summary>
    public async Task<WebSocketCloseStatus?> WaitClosedAsync(TimeSpan? timeout = null) =>
        await _closed.Task.WaitAsync(timeout ?? DefaultTimeout);

    /// <summary>
    /// A PING / PONG round trip: once it returns, the server has handled everything this client sent before
    /// (a connection's messages are handled in order). Fails if any other message arrives first.
    /// </summary>
    public async Task RoundTripAsync()
    {
        var id = $"sync-{Interlocked.Increment(ref _syncs)}";
        await SendTextAsync($$"""{"type":"PING","requestId":"{{id}}"}""");
        var pong = await ExpectAsync("PONG");
        Assert.Equal(id, pong.GetProperty("requestId").GetString());
    }

    private int _syncs;

    /// <summary>Creates a session and returns its code (and the host's resume token).</summary>
    public async Task<(string Code, string ResumeToken)> CreateSessionAsync()
    {
        await SendAsync(new { type = "CREATE_SESSION" });
        var created = await ExpectAsync("SESSION_CREATED");
        var payload = created.GetProperty("payload");
        return (payload.GetProperty("sessionId").GetString()!, payload.GetProperty("resumeToken").GetString()!);
    }

    /// <summary>Joins a session and returns the <c>SESSION_JOINED</c> message.</summary>
    public async Task<JsonElement> JoinAsync(string code, string? resumeToken = null)
    {
        if (resumeToken is null)
        {
            await SendAsync(new { type = "JOIN_SESSION", sessionId = code });
        }
        else
        {
            await SendAsync(new { type = "JOIN_SESSION", sessionId = code, payload = new { resumeToken } });
        }
        return await ExpectAsync("SESSION_JOINED");
    }

    public async Task CloseAsync()
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await Socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(result.CloseStatus);
                    // Answer the close frame, as a real client does, so the server sees a clean close at once.
                    using var cts = new CancellationTokenSource(DefaultTimeout);
                    try
                    {
                        await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
                    }
                    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    using var doc = JsonDocument.Parse(message.ToArray(), new JsonDocumentOptions { MaxDepth = 4096 });
                    _messages.Writer.TryWrite(doc.RootElement.Clone());
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex)
        {
            ReceiveError = ex;
            _closed.TrySetResult(Socket.CloseStatus);
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            await CloseAsync();
        }
        Socket.Abort();
        Socket.Dispose();
        await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { });
    }
}
