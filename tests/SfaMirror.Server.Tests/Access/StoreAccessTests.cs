using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Access;

/// <summary>
/// The access rules each store enforces itself (read-only viewers, sessions per host subject): one suite, run on
/// the in-memory store and on Redis (the subclasses below), as the protocol suite is.
/// </summary>
public abstract class StoreAccessTests
{
    protected abstract Task<RelayServer> StartAsync(params (string Key, string Value)[] settings);

    private static async Task<(TestClient Host, string Code)> CreateAsync(RelayServer server, object? payload = null)
    {
        var host = await server.ConnectAsync();
        await host.SendAsync(payload is null ? new { type = "CREATE_SESSION" } : new { type = "CREATE_SESSION", payload });
        var created = await host.ExpectAsync("SESSION_CREATED");
        return (host, created.GetProperty("sessionId").GetString()!);
    }

    [Fact]
    public async Task Viewer_update_in_a_read_only_session_is_refused_and_changes_nothing()
    {
        await using var server = await StartAsync();
        var (host, code) = await CreateAsync(server, new { viewers = "read-only" });
        await using var _ = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"name":"Eve"},"requestId":1}""");
        await viewer.ExpectErrorAsync("NOT_ALLOWED");
        await viewer.SendTextAsync("""{"type":"REQUEST_CUSTOMER_UPDATE","requestId":2}""");
        var ack = await viewer.ExpectAsync("ACK");
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"sku":"X"}}""");
        var update = await viewer.ExpectAsync("VIEW_PRODUCT");

        Assert.False(ack.GetProperty("payload").GetProperty("found").GetBoolean());
        Assert.Equal(1, update.GetProperty("seq").GetInt64());
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Host_update_in_a_read_only_session_is_relayed()
    {
        await using var server = await StartAsync();
        var (host, code) = await CreateAsync(server, new { viewers = "read-only" });
        await using var _ = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"name":"Ada"}}""");

        Assert.Equal("""{"name":"Ada"}""", (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Viewer_updates_denied_by_the_relay_are_refused_in_every_session()
    {
        await using var server = await StartAsync(("ViewerUpdates", "Deny"));
        var (host, code) = await CreateAsync(server);
        await using var _ = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"sku":"X"}}""");

        await viewer.ExpectErrorAsync("NOT_ALLOWED");
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Viewer_update_is_relayed_by_default()
    {
        await using var server = await StartAsync();
        var (host, code) = await CreateAsync(server);
        await using var _ = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"sku":"X"}}""");

        Assert.Equal(1, (await host.ExpectAsync("VIEW_PRODUCT")).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Host_subject_may_not_host_more_than_max_sessions_per_host()
    {
        await using var server = await StartAsync(HostTokens.Settings("Required", ("MaxSessionsPerHost", "2")));
        var (first, _) = await CreateAsync(server, new { token = HostTokens.Hs256("rep-1") });
        var (second, _) = await CreateAsync(server, new { token = HostTokens.Hs256("rep-1") });
        await using var a = first;
        await using var b = second;
        await using var third = await server.ConnectAsync();

        await third.SendAsync(new { type = "CREATE_SESSION", payload = new { token = HostTokens.Hs256("rep-1") } });

        await third.ExpectErrorAsync("HOST_SESSION_LIMIT");
    }

    [Fact]
    public async Task Ending_a_session_frees_its_place_for_the_same_host_subject()
    {
        await using var server = await StartAsync(HostTokens.Settings("Required", ("MaxSessionsPerHost", "1")));
        var (host, _) = await CreateAsync(server, new { token = HostTokens.Hs256("rep-1") });
        await using var _h = host;
        await host.SendAsync(new { type = "END_SESSION" });
        await host.ExpectAsync("SESSION_ENDED");

        await host.SendAsync(new { type = "CREATE_SESSION", payload = new { token = HostTokens.Hs256("rep-1") } });

        await host.ExpectAsync("SESSION_CREATED");
    }

    [Fact]
    public async Task Another_host_subject_is_not_limited_by_the_first()
    {
        await using var server = await StartAsync(HostTokens.Settings("Required", ("MaxSessionsPerHost", "1")));
        var (host, _) = await CreateAsync(server, new { token = HostTokens.Hs256("rep-1") });
        await using var _h = host;
        await using var other = await server.ConnectAsync();

        await other.SendAsync(new { type = "CREATE_SESSION", payload = new { token = HostTokens.Hs256("rep-2") } });

        await other.ExpectAsync("SESSION_CREATED");
    }
}

public sealed class InMemoryStoreAccessTests : StoreAccessTests
{
    protected override Task<RelayServer> StartAsync(params (string Key, string Value)[] settings) => RelayServer.StartAsync(settings);
}

public sealed class RedisStoreAccessTests(RedisFixture fixture) : StoreAccessTests, IClassFixture<RedisFixture>
{
    protected override Task<RelayServer> StartAsync(params (string Key, string Value)[] settings) =>
        RelayServer.StartAsync([("Redis", fixture.Redis.ConnectionString), ("RedisKeyPrefix", RelayCluster.NewPrefix()), .. settings]);
}
