using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SfaMirror.Client.E2e;

namespace SfaMirror.Client.Tests.Infrastructure;

/// <summary>
/// A relay in the middle (a WebSocket man-in-the-middle on a Kestrel of its own): every connection is passed on to the
/// real relay, but the <c>pub</c> of every end-to-end <c>offer</c> and <c>answer</c> signal, in either direction, is
/// replaced by a key of the proxy's own, as an operator who wanted to read the session would.
/// </summary>
internal sealed class KeySwappingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EphemeralKey _attacker = new();
    private int _swapped;

    private KeySwappingProxy(WebApplication app, Uri uri)
    {
        _app = app;
        WebSocketUri = uri;
    }

    public Uri WebSocketUri { get; }

    /// <summary>How many public keys were replaced so far.</summary>
    public int Swapped => Volatile.Read(ref _swapped);

    public static async Task<KeySwappingProxy> StartAsync(Uri relay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        KeySwappingProxy? proxy = null;
        app.UseWebSockets();
        app.Run(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }
            using var upstream = new ClientWebSocket();
            upstream.Options.KeepAliveInterval = TimeSpan.Zero;
            if (context.Request.Headers.UserAgent.ToString() is { Length: > 0 } userAgent)
            {
                upstream.Options.SetRequestHeader("User-Agent", userAgent);
            }
            await upstream.ConnectAsync(relay, context.RequestAborted);
            using var downstream = await context.WebSockets.AcceptWebSocketAsync();
            var up = proxy!.PumpAsync(downstream, upstream);
            var down = proxy.PumpAsync(upstream, downstream);
            await Task.WhenAny(up, down);
            upstream.Abort();
            downstream.Abort();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var uri = new Uri(address);
        proxy = new KeySwappingProxy(app, new Uri($"ws://{uri.Host}:{uri.Port}/"));
        return proxy;
    }

    private async Task PumpAsync(WebSocket from, WebSocket to)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                var result = await from.ReceiveAsync(buffer.GetMemory(8 * 1024), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, CancellationToken.None);
                    return;
                }
                buffer.Advance(result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }
                var frame = result.MessageType == WebSocketMessageType.Text ? Rewrite(buffer.WrittenMemory.ToArray()) : buffer.WrittenMemory.ToArray();
                await to.SendAsync(frame, result.MessageType, endOfMessage: true, CancellationToken.None);
                buffer.ResetWrittenCount();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
    }

    private byte[] Rewrite(byte[] frame)
    {
        if (JsonNode.Parse(frame) is not JsonObject message || (string?)message["type"] != "SIGNAL"
            || message["payload"]?["data"] is not JsonObject data || (string?)data["e2e"] is not ("offer" or "answer"))
        {
            return frame;
        }
        data["pub"] = _attacker.PublicKey;
        Interlocked.Increment(ref _swapped);
        return Encoding.UTF8.GetBytes(message.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
        _attacker.Dispose();
    }
}
