using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Conformance;

/// <summary>
/// One relay for a group of conformance cases; each case opens its own raw connection. The message limit is
/// scaled down from the default so that the limit cases (Autobahn 9.x) run in well under a second, and the
/// rate limit is lifted so that the many-message cases measure framing, not the rate limiter.
/// </summary>
public sealed class ConformanceRelay : IAsyncLifetime
{
    public const int MaxMessageBytes = 256 * 1024;

    public RelayServer Server { get; private set; } = null!;

    public Uri Uri => Server.WebSocketUri;

    public async Task InitializeAsync()
    {
        Server = await RelayServer.StartAsync(
            ("MaxMessageBytes", MaxMessageBytes.ToString()),
            ("MessagesPerSecond", "1000000"),
            ("MessageBurst", "1000000"));
    }

    public Task<RawWebSocket> ConnectAsync() => Server.ConnectRawAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
