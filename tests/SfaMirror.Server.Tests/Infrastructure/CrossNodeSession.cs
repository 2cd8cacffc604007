namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// A session whose host is on node 0 and whose two viewers are on nodes 1 and 2, all joined, with every
/// <c>PEER_JOINED</c> already consumed: what most cross-node rules start from.
/// </summary>
public sealed record CrossNodeSession(TestClient Host, TestClient ViewerB, TestClient ViewerC, string Code) : IAsyncDisposable
{
    public static async Task<CrossNodeSession> StartAsync(RelayCluster cluster)
    {
        var (host, code, _) = await cluster[0].HostSessionAsync();
        var viewerB = await cluster[1].JoinViewerAsync(code, host);
        var viewerC = await cluster[2].JoinViewerAsync(code, host, viewerB);
        return new CrossNodeSession(host, viewerB, viewerC, code);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await ViewerB.DisposeAsync();
        await ViewerC.DisposeAsync();
    }
}
