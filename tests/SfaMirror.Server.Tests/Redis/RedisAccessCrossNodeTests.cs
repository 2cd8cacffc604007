using SfaMirror.Server.Tests.Access;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Redis;

/// <summary>Admission, host controls, signals and join links when the host and the viewer are on different nodes.</summary>
public sealed class RedisAccessCrossNodeTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private readonly RedisServerProcess _redis = fixture.Redis;

    [Fact]
    public async Task Host_on_one_node_admits_a_viewer_on_another()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        var (host, code) = await AdmissionTests.CreateAsync(cluster[0], new { admission = "host" });
        await using var _h = host;
        await host.SendAsync(new { type = "VIEW_CUSTOMER", payload = new { name = "Ada" } });
        var (viewer, memberId) = await AdmissionTests.RequestAsync(cluster[1], host, code, "Tablet/3");
        await using var _v = viewer;

        await host.SendAsync(new { type = "ADMIT", payload = new { memberId } });
        var joined = await viewer.ExpectAsync("SESSION_JOINED");
        var customer = await viewer.ExpectAsync("VIEW_CUSTOMER");
        await host.SkipUntilAsync("PEER_JOINED");
        await host.SendAsync(new { type = "VIEW_PRODUCT", payload = new { sku = "X" } });

        Assert.Equal("j1", joined.GetProperty("requestId").GetString());
        Assert.Equal("Ada", customer.GetProperty("payload").GetProperty("name").GetString());
        Assert.Equal("X", (await viewer.ExpectAsync("VIEW_PRODUCT")).GetProperty("payload").GetProperty("sku").GetString());
    }

    [Fact]
    public async Task Host_on_one_node_denies_a_viewer_on_another()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        var (host, code) = await AdmissionTests.CreateAsync(cluster[0], new { admission = "host" });
        await using var _h = host;
        var (viewer, memberId) = await AdmissionTests.RequestAsync(cluster[1], host, code);
        await using var _v = viewer;

        await host.SendAsync(new { type = "DENY", payload = new { memberId } });

        Assert.Equal("denied", (await viewer.ExpectAsync("JOIN_DENIED")).GetProperty("payload").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Waiting_viewer_on_another_node_that_drops_is_withdrawn()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        var (host, code) = await AdmissionTests.CreateAsync(cluster[0], new { admission = "host" });
        await using var _h = host;
        var (viewer, memberId) = await AdmissionTests.RequestAsync(cluster[1], host, code);

        await viewer.DisposeAsync();

        var withdrawn = await host.ExpectAsync("JOIN_WITHDRAWN");
        Assert.Equal(memberId, withdrawn.GetProperty("payload").GetProperty("memberId").GetString());
    }

    [Fact]
    public async Task Signal_crosses_nodes_both_ways()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        await using var host = await cluster[0].ConnectAsync();
        await host.SendAsync(new { type = "CREATE_SESSION", payload = new { admission = "host" } });
        var created = await host.ExpectAsync("SESSION_CREATED");
        var hostId = created.GetProperty("payload").GetProperty("memberId").GetString();
        var (viewer, viewerId) = await AdmissionTests.RequestAsync(cluster[1], host, created.GetProperty("sessionId").GetString()!);
        await using var _v = viewer;

        await host.SendAsync(new { type = "SIGNAL", payload = new { to = viewerId, data = new { e2e = "offer", pub = "A" } } });
        var offer = await viewer.ExpectAsync("SIGNAL");
        await viewer.SendAsync(new { type = "SIGNAL", payload = new { to = hostId, data = new { e2e = "answer", pub = "B" } } });
        var answer = await host.ExpectAsync("SIGNAL");

        Assert.Equal("""{"e2e":"offer","pub":"A"}""", offer.GetProperty("payload").GetProperty("data").GetRawText());
        Assert.Equal(hostId, offer.GetProperty("payload").GetProperty("from").GetString());
        Assert.Equal(viewerId, answer.GetProperty("payload").GetProperty("from").GetString());
    }

    [Fact]
    public async Task Join_key_made_on_one_node_works_once_on_another()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        var (host, code, _) = await cluster[0].HostSessionAsync();
        await using var _h = host;
        var key = await JoinLinkTests.LinkAsync(host);
        await using var first = await cluster[1].ConnectAsync();
        await using var second = await cluster[1].ConnectAsync();

        await first.SendAsync(new { type = "JOIN_SESSION", payload = new { joinKey = key } });
        var joined = await first.ExpectAsync("SESSION_JOINED");
        await second.SendAsync(new { type = "JOIN_SESSION", payload = new { joinKey = key } });

        Assert.Equal(code, joined.GetProperty("sessionId").GetString());
        await second.ExpectErrorAsync("JOIN_KEY_INVALID");
    }

    [Fact]
    public async Task Kick_from_one_node_ends_a_members_view_on_another()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        var (host, code, _) = await cluster[0].HostSessionAsync();
        await using var _h = host;
        await using var viewer = await cluster[1].ConnectAsync();
        var memberId = (await viewer.JoinAsync(code)).GetProperty("payload").GetProperty("memberId").GetString();
        await host.ExpectAsync("PEER_JOINED");

        await host.SendAsync(new { type = "KICK", payload = new { memberId } });

        Assert.Equal("kicked", (await viewer.ExpectAsync("SESSION_ENDED")).GetProperty("payload").GetProperty("reason").GetString());
        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = code });
        await viewer.ExpectErrorAsync("KICKED");
    }

    [Fact]
    public async Task Lock_made_on_one_node_refuses_joins_on_another()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        var (host, code, _) = await cluster[0].HostSessionAsync();
        await using var _h = host;
        await host.SendAsync(new { type = "LOCK_SESSION", requestId = 1 });
        await host.ExpectAsync("ACK");
        await using var viewer = await cluster[1].ConnectAsync();

        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = code });

        await viewer.ExpectErrorAsync("SESSION_LOCKED");
    }
}
