using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Access;

/// <summary>docs/protocol.md, "Host controls": KICK, LOCK_SESSION, UNLOCK_SESSION; on both stores.</summary>
public abstract class HostControlTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : HostControlTests(StoreKind.Memory);
    public sealed class OnRedis() : HostControlTests(StoreKind.Redis);

    private static async Task<(TestClient Viewer, string MemberId)> JoinAsync(TestClient viewer, string code, TestClient host)
    {
        var joined = await viewer.JoinAsync(code);
        await host.SkipUntilAsync("PEER_JOINED");
        return (viewer, joined.GetProperty("payload").GetProperty("memberId").GetString()!);
    }

    [Fact]
    public async Task Kicked_member_gets_session_ended_kicked_and_the_others_peer_left_kicked()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        var (kicked, kickedId) = await JoinAsync(await server.ConnectAsync(), code, host);
        await using var _k = kicked;
        await using var other = await server.JoinViewerAsync(code, host, kicked);

        await host.SendAsync(new { type = "KICK", payload = new { memberId = kickedId }, requestId = "k" });
        var ended = await kicked.ExpectAsync("SESSION_ENDED");
        var left = await other.ExpectAsync("PEER_LEFT");
        var ack = await host.SkipUntilAsync("ACK");

        Assert.Equal("kicked", ended.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Equal("kicked", left.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Equal(kickedId, left.GetProperty("payload").GetProperty("memberId").GetString());
        Assert.Equal(2, left.GetProperty("payload").GetProperty("members").GetInt32());
        Assert.Equal("k", ack.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Kicked_member_receives_nothing_more_and_may_not_send()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        var (kicked, kickedId) = await JoinAsync(await server.ConnectAsync(), code, host);
        await using var _k = kicked;
        await host.SendAsync(new { type = "KICK", payload = new { memberId = kickedId } });
        await kicked.ExpectAsync("SESSION_ENDED");
        await host.ExpectAsync("PEER_LEFT");

        await host.SendAsync(new { type = "VIEW_CUSTOMER", payload = new { name = "Ada" } });
        await kicked.SendAsync(new { type = "VIEW_CUSTOMER", sessionId = code, payload = new { name = "Eve" } });

        await kicked.ExpectErrorAsync("NOT_IN_SESSION");
        await kicked.ExpectNothingAsync();
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Kicked_connection_may_not_rejoin_but_a_new_connection_may()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        var (kicked, kickedId) = await JoinAsync(await server.ConnectAsync(), code, host);
        await using var _k = kicked;
        await host.SendAsync(new { type = "KICK", payload = new { memberId = kickedId } });
        await kicked.ExpectAsync("SESSION_ENDED");

        await kicked.SendAsync(new { type = "JOIN_SESSION", sessionId = code });
        await kicked.ExpectErrorAsync("KICKED");
        await using var fresh = await server.ConnectAsync();

        await fresh.JoinAsync(code);
    }

    [Fact]
    public async Task Host_may_not_kick_itself()
    {
        await using var server = await StartRelayAsync();
        await using var host = await server.ConnectAsync();
        await host.SendAsync(new { type = "CREATE_SESSION" });
        var hostId = (await host.ExpectAsync("SESSION_CREATED")).GetProperty("payload").GetProperty("memberId").GetString();

        await host.SendAsync(new { type = "KICK", payload = new { memberId = hostId } });

        await host.ExpectErrorAsync("NOT_ALLOWED");
    }

    [Fact]
    public async Task Kicking_an_unknown_member_is_member_not_found()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendAsync(new { type = "KICK", payload = new { memberId = "nobody" } });

        await host.ExpectErrorAsync("MEMBER_NOT_FOUND");
    }

    [Fact]
    public async Task Kick_without_a_member_id_is_invalid()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendAsync(new { type = "KICK", payload = new { memberId = 5 } });

        await host.ExpectErrorAsync("INVALID_MESSAGE");
    }

    [Theory]
    [InlineData("KICK")]
    [InlineData("LOCK_SESSION")]
    [InlineData("UNLOCK_SESSION")]
    [InlineData("DENY")]
    [InlineData("CREATE_JOIN_LINK")]
    public async Task Host_controls_from_a_viewer_are_not_host(string type)
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendAsync(new { type, payload = new { memberId = "x" } });

        var error = await viewer.ExpectErrorAsync("NOT_HOST");
        Assert.Equal("Only the host can do this", error.GetProperty("payload").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Locked_session_refuses_joins()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendAsync(new { type = "LOCK_SESSION", requestId = 1 });
        var ack = await host.ExpectAsync("ACK");
        await using var viewer = await server.ConnectAsync();
        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = code });

        Assert.True(ack.GetProperty("payload").GetProperty("locked").GetBoolean());
        await viewer.ExpectErrorAsync("SESSION_LOCKED");
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Locked_session_still_takes_the_hosts_resume_and_a_members_own_rejoin()
    {
        await using var server = await StartRelayAsync();
        var (host, code, resumeToken) = await server.HostSessionAsync();
        await using var viewer = await server.JoinViewerAsync(code, host);
        await host.SendAsync(new { type = "LOCK_SESSION", requestId = 1 });
        await host.ExpectAsync("ACK");
        await host.DisposeAsync();
        await viewer.SkipUntilAsync("PEER_LEFT");

        await viewer.JoinAsync(code);
        await using var again = await server.ConnectAsync();
        var resumed = await again.JoinAsync(code, resumeToken);

        Assert.Equal("host", resumed.GetProperty("payload").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Unlocked_session_takes_joins_again()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendAsync(new { type = "LOCK_SESSION" });
        await host.SendAsync(new { type = "UNLOCK_SESSION", requestId = 2 });
        var ack = await host.ExpectAsync("ACK");

        await using var viewer = await server.ConnectAsync();
        await viewer.JoinAsync(code);

        Assert.False(ack.GetProperty("payload").GetProperty("locked").GetBoolean());
    }

    [Fact]
    public async Task Kicking_a_waiting_viewer_denies_it()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await AdmissionTests.CreateAsync(server, new { admission = "host" });
        await using var _h = host;
        var (viewer, memberId) = await AdmissionTests.RequestAsync(server, host, code);
        await using var _v = viewer;

        await host.SendAsync(new { type = "KICK", payload = new { memberId } });

        Assert.Equal("denied", (await viewer.ExpectAsync("JOIN_DENIED")).GetProperty("payload").GetProperty("reason").GetString());
        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = code });
        await viewer.ExpectErrorAsync("KICKED");
    }

    [Fact]
    public async Task Admin_stats_show_a_sessions_controls_and_its_waiting_viewers()
    {
        await using var server = await StartRelayAsync(("Relay:AdminToken", "admin-secret"));
        var (host, code) = await AdmissionTests.CreateAsync(server, new { admission = "host", viewers = "read-only" });
        await using var _h = host;
        var (viewer, _) = await AdmissionTests.RequestAsync(server, host, code);
        await using var _v = viewer;
        await host.SendAsync(new { type = "LOCK_SESSION", requestId = "l" });
        await host.ExpectAsync("ACK");
        var (plain, plainCode, _) = await server.HostSessionAsync();
        await using var _p = plain;

        var sessions = await AdminSessionsAsync(server);

        var controlled = sessions[code];
        Assert.Equal(0, controlled.GetProperty("viewers").GetInt32());
        Assert.Equal(1, controlled.GetProperty("waiting").GetInt32());
        Assert.True(controlled.GetProperty("admission").GetBoolean());
        Assert.True(controlled.GetProperty("readOnly").GetBoolean());
        Assert.True(controlled.GetProperty("locked").GetBoolean());
        Assert.False(controlled.GetProperty("encrypted").GetBoolean());
        var open = sessions[plainCode];
        Assert.Equal(0, open.GetProperty("waiting").GetInt32());
        Assert.False(open.GetProperty("admission").GetBoolean());
        Assert.False(open.GetProperty("readOnly").GetBoolean());
        Assert.False(open.GetProperty("locked").GetBoolean());
    }

    [Fact]
    public async Task Admin_stats_show_every_session_read_only_when_the_relay_denies_viewer_updates()
    {
        await using var server = await StartRelayAsync(("Relay:AdminToken", "admin-secret"), ("Relay:ViewerUpdates", "Deny"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;

        var sessions = await AdminSessionsAsync(server);

        Assert.True(sessions[code].GetProperty("readOnly").GetBoolean());
    }

    private static async Task<Dictionary<string, System.Text.Json.JsonElement>> AdminSessionsAsync(RelayServer server)
    {
        using var stats = await server.AdminStatsAsync("admin-secret");
        return stats.RootElement.GetProperty("sessionList").EnumerateArray().ToDictionary(s => s.GetProperty("code").GetString()!, s => s.Clone());
    }
}
