using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Client.Tests.Infrastructure;

/// <summary>
/// Connected <see cref="MirrorClient"/>s with short times, so that timeouts and reconnects are quick to test. The request
/// timeout also bounds the WebSocket handshake, so tests keep it at two seconds or more: on a loaded machine
/// (first connections JIT the whole pipeline) less is not always enough to connect.
/// </summary>
internal static class Clients
{
    public static MirrorClientOptions Options(Uri url) => new()
    {
        Url = url,
        RequestTimeout = TimeSpan.FromSeconds(5),
        HeartbeatInterval = TimeSpan.Zero,
        Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
    };

    public static async Task<MirrorClient> ConnectAsync(Uri url, Action<MirrorClientOptions>? configure = null)
    {
        var options = Options(url);
        configure?.Invoke(options);
        var client = new MirrorClient(options);
        await client.ConnectAsync().Within();
        return client;
    }

    public static Task<MirrorClient> ConnectClientAsync(this RelayServer server, Action<MirrorClientOptions>? configure = null) =>
        ConnectAsync(server.WebSocketUri, configure);
}
