using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Client.Tests.Infrastructure;

/// <summary>A relay, a host connected to it directly and a viewer connected through a <see cref="TcpProxy"/>, so that a
/// test can cut the viewer's network; disposed in the reverse order.</summary>
internal sealed class ProxiedViewer : IAsyncDisposable
{
    private ProxiedViewer(RelayServer server, TcpProxy proxy, MirrorClient host, MirrorClient viewer) =>
        (Server, Proxy, Host, Viewer) = (server, proxy, host, viewer);

    public RelayServer Server { get; }

    public TcpProxy Proxy { get; }

    public MirrorClient Host { get; }

    public MirrorClient Viewer { get; }

    public static async Task<ProxiedViewer> StartAsync(params (string Key, string Value)[] settings)
    {
        var server = await RelayServer.StartAsync(settings);
        var proxy = new TcpProxy(server.WebSocketUri);
        var host = await server.ConnectClientAsync();
        var viewer = await Clients.ConnectAsync(proxy.Uri);
        return new ProxiedViewer(server, proxy, host, viewer);
    }

    public async ValueTask DisposeAsync()
    {
        await Viewer.DisposeAsync();
        await Host.DisposeAsync();
        await Proxy.DisposeAsync();
        await Server.DisposeAsync();
    }
}
