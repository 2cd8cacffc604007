using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "Delivery": on shutdown the server closes every connection with 1012 so that clients reconnect.</summary>
public abstract class ShutdownTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : ShutdownTests(StoreKind.Memory);

    public sealed class OnRedis() : ShutdownTests(StoreKind.Redis);

    [Fact]
    public async Task Stopping_the_server_closes_every_connection_with_1012()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await using var idle = await server.ConnectAsync();

        var stopping = server.StopAsync();

        foreach (var client in new[] { host, viewer, idle })
        {
            Assert.Equal(1012, (int?)await client.WaitClosedAsync());
        }
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Stopping_the_server_flushes_what_was_queued_before_the_1012()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"last":true},"requestId":1}""");
        await host.ExpectAsync("ACK");

        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("""{"last":true}""", (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
        Assert.Equal(1012, (int?)await viewer.WaitClosedAsync());
    }

    [Fact]
    public async Task Stopped_server_accepts_no_new_connection()
    {
        var server = await StartRelayAsync();
        var uri = server.WebSocketUri;
        await server.DisposeAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => TestClient.ConnectAsync(uri));
    }
}
