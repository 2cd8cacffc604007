using System.Net;

namespace SfaMirror.Bench;

/// <summary>Where the server is, which loopback source addresses to spread connections over, and its process.</summary>
internal sealed class Target(Uri url, int serverPid, int sourceAddresses)
{
    public Uri Url { get; } = url;
    public int ServerPid { get; } = serverPid;

    /// <summary>127.0.0.1, 127.0.0.2, ...: each source address has its own ephemeral port range.</summary>
    public IPAddress? SourceFor(int index) =>
        sourceAddresses <= 1 || !IPAddress.IsLoopback(IPAddress.TryParse(Url.Host, out var a) ? a : IPAddress.Loopback)
            ? null
            : new IPAddress(new byte[] { 127, 0, 0, (byte)(1 + index % sourceAddresses) });

    public Task<WsClient> ConnectAsync(int index, CancellationToken ct) => WsClient.ConnectAsync(Url, SourceFor(index), ct);
}
