using System.Net;
using SfaMirror.Server.Tests.Infrastructure;
using SfaMirror.Server.Transport;

namespace SfaMirror.Server.Tests.Abuse;

/// <summary>docs/operations.md, "Limits": an upgrade over a connection limit is refused before any WebSocket state is made.</summary>
public sealed class ConnectionLimitTests
{
    private static readonly IPAddress Flooder = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Over_MaxConnectionsPerAddress_the_upgrade_is_answered_429_with_Retry_After()
    {
        await using var server = await RelayServer.StartAsync(("MaxConnectionsPerAddress", "2"));
        await using var a = await TestClient.ConnectAsync(server.WebSocketUri, Flooder);
        await using var b = await TestClient.ConnectAsync(server.WebSocketUri, Flooder);

        var head = await RawUpgrade.SendAsync(server, Flooder);

        Assert.StartsWith("HTTP/1.1 429", head);
        Assert.True(int.Parse(RawUpgrade.Header(head, "Retry-After")!) >= 1, head);
    }

    [Fact]
    public async Task A_refused_upgrade_makes_no_connection()
    {
        await using var server = await RelayServer.StartAsync(("MaxConnectionsPerAddress", "1"));
        await using var a = await TestClient.ConnectAsync(server.WebSocketUri, Flooder);

        await RawUpgrade.SendAsync(server, Flooder);

        Assert.Equal(1, server.GetService<ConnectionTracker>().Count);
    }

    [Fact]
    public async Task Another_address_is_not_held_to_a_full_address_limit()
    {
        await using var server = await RelayServer.StartAsync(("MaxConnectionsPerAddress", "1"));
        await using var a = await TestClient.ConnectAsync(server.WebSocketUri, Flooder);

        var head = await RawUpgrade.SendAsync(server, IPAddress.Parse("127.0.0.3"));

        Assert.StartsWith("HTTP/1.1 101", head);
    }

    [Fact]
    public async Task A_closed_connection_frees_its_place_under_the_address_limit()
    {
        await using var server = await RelayServer.StartAsync(("MaxConnectionsPerAddress", "1"));
        var first = await TestClient.ConnectAsync(server.WebSocketUri, Flooder);
        await first.CloseAsync();
        await first.DisposeAsync();

        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        while (server.GetService<ConnectionTracker>().Count > 0)
        {
            await Task.Delay(20, cts.Token);
        }
        await using var second = await TestClient.ConnectAsync(server.WebSocketUri, Flooder);
    }

    [Fact]
    public async Task Over_ConnectionsPerAddressPerSecond_the_upgrade_is_answered_429_with_Retry_After()
    {
        await using var server = await RelayServer.StartAsync(("ConnectionsPerAddressPerSecond", "0.1"), ("ConnectionBurstPerAddress", "2"));
        await RawUpgrade.SendAsync(server, Flooder);
        await RawUpgrade.SendAsync(server, Flooder);

        var head = await RawUpgrade.SendAsync(server, Flooder);

        Assert.StartsWith("HTTP/1.1 429", head);
        Assert.True(int.Parse(RawUpgrade.Header(head, "Retry-After")!) >= 1, head);
    }

    [Fact]
    public async Task Over_MaxConnections_the_upgrade_is_answered_503_with_Retry_After()
    {
        await using var server = await RelayServer.StartAsync(("MaxConnections", "2"));
        await using var a = await TestClient.ConnectAsync(server.WebSocketUri, Flooder);
        await using var b = await TestClient.ConnectAsync(server.WebSocketUri, IPAddress.Parse("127.0.0.3"));

        var head = await RawUpgrade.SendAsync(server, IPAddress.Parse("127.0.0.4"));

        Assert.StartsWith("HTTP/1.1 503", head);
        Assert.NotNull(RawUpgrade.Header(head, "Retry-After"));
    }

    [Fact]
    public async Task The_HTTP_path_answers_an_address_over_its_limit_with_429_and_Retry_After()
    {
        await using var server = await RelayServer.StartAsync(("MaxConnectionsPerAddress", "1"));
        await using var a = await TestClient.ConnectAsync(server.WebSocketUri, Flooder);

        var head = await RawUpgrade.SendAsync(server, Flooder, viaHttp: true);

        Assert.StartsWith("HTTP/1.1 429", head);
        Assert.NotNull(RawUpgrade.Header(head, "Retry-After"));
    }
}
