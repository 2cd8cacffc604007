using Microsoft.AspNetCore.Http.Features;

namespace SfaMirror.Server.Transport;

/// <summary>Hands the WebSocket a <see cref="KestrelOwnedStream"/> instead of Kestrel's upgrade stream itself.</summary>
internal sealed class KestrelOwnedUpgradeFeature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
{
    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    /// <summary>The stream handed out by <see cref="UpgradeAsync"/>, once the request was upgraded.</summary>
    public KestrelOwnedStream? Stream { get; private set; }

    public async Task<Stream> UpgradeAsync() => Stream = new KestrelOwnedStream(await inner.UpgradeAsync().ConfigureAwait(false));
}
