using System.Net;
using SfaMirror.Server.Tests.Infrastructure;
using SfaMirror.Server.Transport;

namespace SfaMirror.Server.Tests.Abuse;

/// <summary>docs/operations.md, "Client addresses": forwarding headers are believed from trusted proxies only.</summary>
public sealed class TrustedProxyTests
{
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.3");
    private static readonly (string, string)[] ProxyIsTrusted = [("KnownProxies", "127.0.0.3"), ("KnownNetworks", "")];

    [Fact]
    public async Task A_forged_X_Forwarded_For_from_an_untrusted_peer_is_ignored()
    {
        await using var server = await RelayServer.StartAsync(ProxyIsTrusted);

        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, Stranger, ("X-Forwarded-For", "10.9.9.9"));

        Assert.Equal("127.0.0.2", await ClientAddressAsync(server));
    }

    [Fact]
    public async Task With_the_defaults_a_peer_other_than_127_0_0_1_is_not_trusted()
    {
        await using var server = await RelayServer.StartAsync();

        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, Stranger, ("X-Forwarded-For", "10.9.9.9"));

        Assert.Equal("127.0.0.2", await ClientAddressAsync(server));
    }

    [Fact]
    public async Task X_Forwarded_For_from_a_trusted_proxy_gives_the_rightmost_address()
    {
        await using var server = await RelayServer.StartAsync(ProxyIsTrusted);

        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, Proxy, ("X-Forwarded-For", "10.1.1.1, 10.2.2.2"));

        Assert.Equal("10.2.2.2", await ClientAddressAsync(server));
    }

    [Fact]
    public async Task Trusted_hops_are_skipped_walking_from_the_right()
    {
        await using var server = await RelayServer.StartAsync(("KnownProxies", "127.0.0.3"), ("KnownNetworks", "10.0.0.0/24"));

        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, Proxy, ("X-Forwarded-For", "198.51.100.1, 203.0.113.5, 10.0.0.7"));

        Assert.Equal("203.0.113.5", await ClientAddressAsync(server));
    }

    [Fact]
    public async Task Forwarded_from_a_trusted_proxy_gives_the_client_and_an_IPv6_client_is_keyed_by_its_64()
    {
        await using var server = await RelayServer.StartAsync(ProxyIsTrusted);

        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, Proxy, ("Forwarded", "for=\"[2001:db8:cafe:1:2:3:4:17]:4711\";proto=https"));

        Assert.Equal("2001:db8:cafe:1::/64", await ClientAddressAsync(server));
    }

    [Fact]
    public async Task The_HTTP_path_resolves_the_client_as_the_fast_path_does()
    {
        await using var server = await RelayServer.StartAsync(("KnownProxies", "127.0.0.3"), ("KnownNetworks", ""), ("MaxConnectionsPerAddress", "1"));
        await using var viaProxy = await TestClient.ConnectAsync(server.WebSocketUri, Proxy, ("X-Forwarded-For", "10.5.5.5"));

        // The proxy itself is not the client that is at its limit: the forwarded one is.
        var head = await RawUpgrade.SendAsync(server, Proxy, "X-Forwarded-For: 10.5.5.5\r\n", viaHttp: true);

        Assert.StartsWith("HTTP/1.1 429", head);
    }

    [Fact]
    public async Task Join_budgets_count_the_forwarded_client_not_the_proxy()
    {
        await using var server = await RelayServer.StartAsync([.. ProxyIsTrusted, ("FailedJoinsPerAddressPerMinute", "1")]);
        await using var first = await TestClient.ConnectAsync(server.WebSocketUri, Proxy, ("X-Forwarded-For", "10.1.1.1"));
        await first.SendAsync(new { type = "JOIN_SESSION", sessionId = "ZZZZZZ" });
        await first.ExpectErrorAsync("SESSION_NOT_FOUND");

        await using var second = await TestClient.ConnectAsync(server.WebSocketUri, Proxy, ("X-Forwarded-For", "10.2.2.2"));
        await second.SendAsync(new { type = "JOIN_SESSION", sessionId = "ZZZZZZ" });

        await second.ExpectErrorAsync("SESSION_NOT_FOUND");
    }

    /// <summary>The client address of the server's only connection.</summary>
    private static async Task<string> ClientAddressAsync(RelayServer server)
    {
        var tracker = server.GetService<ConnectionTracker>();
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        while (!tracker.Snapshot().Any())
        {
            await Task.Delay(10, cts.Token);
        }
        return Assert.Single(tracker.Snapshot()).ClientAddress;
    }
}
