using System.Net.WebSockets;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Redis;

/// <summary>The session rules hold when the members of one session are connected to different relay nodes.</summary>
public sealed class RedisCrossNodeTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private readonly RedisServerProcess _redis = fixture.Redis;

    [Fact]
    public async Task Update_reaches_viewers_on_other_nodes_and_ack_counts_them()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 3);
        await using var session = await CrossNodeSession.StartAsync(cluster);
        var (host, viewerB, viewerC, code) = session;

        await host.SendTextAsync($$$"""{"type":"VIEW_CUSTOMER","sessionId":"{{{code}}}","payload":{"id":123456789012345678901234567890,"n":1.50},"requestId":7}""");

        foreach (var viewer in new[] { viewerB, viewerC })
        {
            var update = await viewer.ExpectAsync("VIEW_CUSTOMER");
            Assert.Equal("""{"id":123456789012345678901234567890,"n":1.50}""", update.GetProperty("payload").GetRawText());
            Assert.Equal(1, update.GetProperty("seq").GetInt64());
            Assert.False(update.TryGetProperty("requestId", out _));
        }
        var ack = await host.ExpectAsync("ACK");
        Assert.Equal(2, ack.GetProperty("payload").GetProperty("delivered").GetInt32());
        Assert.Equal(7, ack.GetProperty("requestId").GetInt32());
    }

    [Fact]
    public async Task Viewer_joining_late_on_another_node_gets_current_state()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        await using var host = await cluster[0].ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await host.SendTextAsync($$$"""{"type":"VIEW_CUSTOMER","payload":{"name":"Ada"}}""");
        await host.SendTextAsync($$$"""{"type":"VIEW_PRODUCT","payload":[1,2,3]}""");
        await host.SendTextAsync($$$"""{"type":"PING","requestId":"sync"}""");
        await host.ExpectAsync("PONG");

        await using var viewer = await cluster[1].ConnectAsync();
        var joined = await viewer.JoinAsync(code);

        Assert.Equal(2, joined.GetProperty("payload").GetProperty("members").GetInt32());
        var customer = await viewer.ExpectAsync("VIEW_CUSTOMER");
        Assert.Equal("""{"name":"Ada"}""", customer.GetProperty("payload").GetRawText());
        Assert.Equal(1, customer.GetProperty("seq").GetInt64());
        var product = await viewer.ExpectAsync("VIEW_PRODUCT");
        Assert.Equal("[1,2,3]", product.GetProperty("payload").GetRawText());
        Assert.Equal(2, product.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Cleared_state_is_not_sent_to_a_late_joiner_on_another_node()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        await using var host = await cluster[0].ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"name":"Ada"}}""");
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":null}""");
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":0}""");
        await host.SendTextAsync("""{"type":"PING","requestId":"sync"}""");
        await host.ExpectAsync("PONG");

        await using var viewer = await cluster[1].ConnectAsync();
        await viewer.JoinAsync(code);

        var product = await viewer.ExpectAsync("VIEW_PRODUCT");
        Assert.Equal("0", product.GetProperty("payload").GetRawText());
        Assert.Equal(3, product.GetProperty("seq").GetInt64());
        await viewer.SendTextAsync("""{"type":"REQUEST_CUSTOMER_UPDATE","requestId":"c"}""");
        var ack = await viewer.ExpectAsync("ACK");
        Assert.False(ack.GetProperty("payload").GetProperty("found").GetBoolean());
    }

    [Fact]
    public async Task Seq_counts_updates_of_every_sender_on_every_node()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 3);
        await using var session = await CrossNodeSession.StartAsync(cluster);
        var (host, viewerB, viewerC, _) = session;

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":1,"requestId":1}""");
        await host.ExpectAsync("ACK");
        await viewerB.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":null,"requestId":2}""");
        await viewerB.ExpectAsync("VIEW_CUSTOMER");
        await viewerB.ExpectAsync("ACK");
        await viewerC.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":3}""");

        var seen = new List<(string, long)>();
        for (var i = 0; i < 3; i++)
        {
            var m = await host.ReceiveAsync();
            if (m.GetProperty("type").GetString() is "VIEW_CUSTOMER" or "VIEW_PRODUCT")
            {
                seen.Add((m.GetProperty("type").GetString()!, m.GetProperty("seq").GetInt64()));
            }
            if (seen.Count == 2) break;
        }
        Assert.Equal([("VIEW_PRODUCT", 2L), ("VIEW_CUSTOMER", 3L)], seen);
    }

    [Fact]
    public async Task Request_update_on_another_node_answers_with_stored_state()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        await using var host = await cluster[0].ConnectAsync();
        await using var viewer = await cluster[1].ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await viewer.JoinAsync(code);
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":"c-9"},"requestId":"u"}""");
        await viewer.ExpectAsync("VIEW_CUSTOMER");

        await viewer.SendTextAsync($$$"""{"type":"REQUEST_CUSTOMER_UPDATE","sessionId":"{{{code}}}","requestId":"r1"}""");
        var reply = await viewer.ExpectAsync("VIEW_CUSTOMER");
        Assert.Equal("""{"id":"c-9"}""", reply.GetProperty("payload").GetRawText());
        Assert.Equal("r1", reply.GetProperty("requestId").GetString());
        Assert.Equal(1, reply.GetProperty("seq").GetInt64());

        await viewer.SendTextAsync("""{"type":"REQUEST_PRODUCT_UPDATE","requestId":"r2"}""");
        var none = await viewer.ExpectAsync("ACK");
        Assert.False(none.GetProperty("payload").GetProperty("found").GetBoolean());
    }

    [Fact]
    public async Task Member_limit_counts_members_on_every_node()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 3, ("MaxMembersPerSession", "2"));
        await using var host = await cluster[0].ConnectAsync();
        await using var viewerB = await cluster[1].ConnectAsync();
        await using var viewerC = await cluster[2].ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await viewerB.JoinAsync(code);

        await viewerC.SendAsync(new { type = "JOIN_SESSION", sessionId = code });

        var error = await viewerC.ExpectAsync("ERROR");
        Assert.Equal("SESSION_FULL", error.GetProperty("payload").GetProperty("code").GetString());
    }

    [Fact]
    public async Task End_session_reaches_members_on_every_node()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 3);
        await using var session = await CrossNodeSession.StartAsync(cluster);
        var (host, viewerB, viewerC, code) = session;

        await host.SendTextAsync("""{"type":"END_SESSION","requestId":"end"}""");

        var own = await host.ExpectAsync("SESSION_ENDED");
        Assert.Equal("end", own.GetProperty("requestId").GetString());
        foreach (var viewer in new[] { viewerB, viewerC })
        {
            var ended = await viewer.ExpectAsync("SESSION_ENDED");
            Assert.Equal("ended_by_host", ended.GetProperty("payload").GetProperty("reason").GetString());
            Assert.False(ended.TryGetProperty("requestId", out _));
        }
        await viewerB.SendAsync(new { type = "JOIN_SESSION", sessionId = code });
        Assert.Equal("SESSION_NOT_FOUND", (await viewerB.ExpectAsync("ERROR")).GetProperty("payload").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Resume_token_on_another_node_takes_the_host_role_over()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 3);
        await using var oldHost = await cluster[0].ConnectAsync();
        await using var viewer = await cluster[2].ConnectAsync();
        var (code, token) = await oldHost.CreateSessionAsync();
        await viewer.JoinAsync(code);

        await using var newHost = await cluster[1].ConnectAsync();
        var joined = await newHost.JoinAsync(code, token);

        Assert.Equal("host", joined.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, joined.GetProperty("payload").GetProperty("members").GetInt32());
        Assert.Equal((WebSocketCloseStatus)4000, await oldHost.WaitClosedAsync());
        var left = await viewer.ExpectAsync("PEER_LEFT");
        Assert.Equal("host", left.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
        var rejoined = await viewer.ExpectAsync("PEER_JOINED");
        Assert.Equal("host", rejoined.GetProperty("payload").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Updates_of_one_sender_arrive_in_order_on_other_nodes()
    {
        const int count = 150;
        await using var cluster = await RelayCluster.StartAsync(_redis, 3);
        await using var session = await CrossNodeSession.StartAsync(cluster);
        var (host, viewerB, viewerC, _) = session;

        for (var i = 1; i <= count; i++)
        {
            await host.SendTextAsync($$$"""{"type":"{{{(i % 2 == 0 ? "VIEW_PRODUCT" : "VIEW_CUSTOMER")}}}","payload":{"i":{{{i}}}}}""");
        }

        foreach (var viewer in new[] { viewerB, viewerC })
        {
            for (var i = 1; i <= count; i++)
            {
                var update = await viewer.ReceiveAsync();
                Assert.Equal(i, update.GetProperty("payload").GetProperty("i").GetInt32());
                Assert.Equal(i, update.GetProperty("seq").GetInt64());
            }
        }
    }
}
