using System.Net;
using SfaMirror.Bench.Raw;

namespace SfaMirror.Bench;

/// <summary>Where the server is, which loopback source addresses to spread connections over, and its process.</summary>
internal sealed class Target(Uri url, int serverPid, int sourceAddresses, Uri? viewerUrl = null, int viewerServerPid = 0, int backplanePid = 0)
{
    public Uri Url { get; } = url;
    public int ServerPid { get; } = serverPid;

    /// <summary>Where viewers connect (another node of the same cluster for a cross-node run); <see cref="Url"/> when not given.</summary>
    public Uri ViewerUrl { get; } = viewerUrl ?? url;

    /// <summary>The viewers' node's process, when it is not <see cref="ServerPid"/>; its CPU counts as the server's too.</summary>
    public int ViewerServerPid { get; } = viewerServerPid;

    /// <summary>redis-server's process in a cross-node run, for its CPU.</summary>
    public int BackplanePid { get; } = backplanePid;

    public bool CrossNode => ViewerUrl != Url;

    /// <summary>127.0.0.1, 127.0.0.2, ...: each source address has its own ephemeral port range.</summary>
    public IPAddress? SourceFor(int index) =>
        sourceAddresses <= 1 || !IPAddress.IsLoopback(IPAddress.TryParse(Url.Host, out var a) ? a : IPAddress.Loopback)
            ? null
            : new IPAddress(new byte[] { 127, 0, 0, (byte)(1 + index % sourceAddresses) });

    public Task<RawWsClient> ConnectAsync(int index, CancellationToken ct) => RawWsClient.ConnectAsync(Url, SourceFor(index), ct);

    public Task<RawWsClient> ConnectViewerAsync(int index, CancellationToken ct) => RawWsClient.ConnectAsync(ViewerUrl, SourceFor(index), ct);

    private int _opened;

    /// <summary>
    /// A host that created a session, then <paramref name="viewers"/> viewers (at <see cref="ViewerUrl"/>) joined
    /// to it, one after another. Members: the host first.
    /// </summary>
    public async Task<(string Code, RawWsClient[] Members)> OpenSessionAsync(int viewers, CancellationToken ct)
    {
        var members = new RawWsClient[1 + viewers];
        members[0] = await ConnectAsync(Interlocked.Increment(ref _opened), ct);
        var code = await members[0].CreateSessionAsync();
        for (var v = 1; v <= viewers; v++)
        {
            members[v] = await ConnectViewerAsync(Interlocked.Increment(ref _opened), ct);
            await members[v].JoinAsync(code);
        }
        return (code, members);
    }
}
