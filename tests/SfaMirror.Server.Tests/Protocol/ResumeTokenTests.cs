using System.Buffers.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "What clients send", <c>JOIN_SESSION</c> with a <c>resumeToken</c>: the host takes its role back, and takes it over from another connection.</summary>
public abstract class ResumeTokenTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : ResumeTokenTests(StoreKind.Memory);

    public sealed class OnRedis() : ResumeTokenTests(StoreKind.Redis);

    [Fact]
    public async Task Resume_token_carries_at_least_128_bits()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();
        var tokens = new HashSet<string>();

        for (var i = 0; i < 20; i++)
        {
            var (_, token) = await client.CreateSessionAsync();
            // At least 22 base64 characters (132 bits) of an alphabet of 64, or 32 hex digits.
            Assert.True(Base64Url.DecodeFromChars(token).Length >= 16 || token.Length >= 32, $"Token {token} is too short");
            Assert.True(tokens.Add(token), "The same token was handed out twice");
        }
    }

    [Fact]
    public async Task Host_reconnecting_with_its_token_is_host_again_and_others_see_it_leave_and_join()
    {
        await using var server = await StartRelayAsync();
        var (host, code, token) = await server.HostSessionAsync();
        await using var viewer = await server.JoinViewerAsync(code, host);
        await host.DisposeAsync();
        var left = await viewer.ExpectAsync("PEER_LEFT");
        Assert.Equal("host", left.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
        await using var again = await server.ConnectAsync();

        var joined = await again.JoinAsync(code, token);

        Assert.Equal("host", joined.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, joined.GetProperty("payload").GetProperty("members").GetInt32());
        var peer = await viewer.ExpectAsync("PEER_JOINED");
        Assert.Equal("host", peer.GetProperty("payload").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Token_that_does_not_match_joins_as_viewer()
    {
        await using var server = await StartRelayAsync();
        var (host, code, token) = await server.HostSessionAsync();
        await using var _h = host;
        await using var other = await server.ConnectAsync();

        var joined = await other.JoinAsync(code, token + "x");

        Assert.Equal("viewer", joined.GetProperty("payload").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Token_of_another_session_joins_as_viewer()
    {
        await using var server = await StartRelayAsync();
        var (hostA, codeA, _) = await server.HostSessionAsync();
        var (hostB, _, tokenB) = await server.HostSessionAsync();
        await using var _a = hostA;
        await using var _b = hostB;
        await using var other = await server.ConnectAsync();

        var joined = await other.JoinAsync(codeA, tokenB);

        Assert.Equal("viewer", joined.GetProperty("payload").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Resuming_host_closes_the_old_host_connection_with_4000()
    {
        await using var server = await StartRelayAsync();
        var (host, code, token) = await server.HostSessionAsync();
        await using var _h = host;
        await using var again = await server.ConnectAsync();

        var joined = await again.JoinAsync(code, token);

        Assert.Equal("host", joined.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(1, joined.GetProperty("payload").GetProperty("members").GetInt32());
        Assert.Equal(4000, (int?)await host.WaitClosedAsync());
        Assert.Equal("host resumed elsewhere", host.Socket.CloseStatusDescription);
    }

    [Fact]
    public async Task Resuming_host_is_seen_by_others_as_host_disconnected_then_host_joined()
    {
        await using var server = await StartRelayAsync();
        var (host, code, token) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await using var again = await server.ConnectAsync();

        await again.JoinAsync(code, token);

        var left = await viewer.ExpectAsync("PEER_LEFT");
        Assert.Equal("host", left.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Equal(1, left.GetProperty("payload").GetProperty("members").GetInt32());
        var joined = await viewer.ExpectAsync("PEER_JOINED");
        Assert.Equal("host", joined.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, joined.GetProperty("payload").GetProperty("members").GetInt32());
        await viewer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Old_host_connection_is_no_longer_a_member_after_being_resumed_elsewhere()
    {
        await using var server = await StartRelayAsync();
        var (host, code, token) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await using var again = await server.ConnectAsync();

        await again.JoinAsync(code, token);
        await host.WaitClosedAsync();
        await viewer.ExpectAsync("PEER_LEFT");
        await viewer.ExpectAsync("PEER_JOINED");

        // The kicked connection's own close must not be reported as a second departure.
        await viewer.ExpectNothingAsync();
        await again.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":1,"requestId":"a"}""");
        Assert.Equal(1, (await again.ExpectAsync("ACK")).GetProperty("payload").GetProperty("delivered").GetInt32());
    }

    [Fact]
    public async Task Viewer_presenting_the_valid_token_becomes_host_seen_as_viewer_left_then_host_joined()
    {
        await using var server = await StartRelayAsync();
        var (host, code, token) = await server.HostSessionAsync();
        await using var first = await server.JoinViewerAsync(code, host);
        await using var second = await server.JoinViewerAsync(code, host, first);
        await host.DisposeAsync();
        await first.ExpectAsync("PEER_LEFT");
        await second.ExpectAsync("PEER_LEFT");

        var joined = await first.JoinAsync(code, token);

        Assert.Equal("host", joined.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, joined.GetProperty("payload").GetProperty("members").GetInt32());
        var left = await second.ExpectAsync("PEER_LEFT");
        Assert.Equal("viewer", left.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("left", left.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Equal(1, left.GetProperty("payload").GetProperty("members").GetInt32());
        var peer = await second.ExpectAsync("PEER_JOINED");
        Assert.Equal("host", peer.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, peer.GetProperty("payload").GetProperty("members").GetInt32());
    }

    [Fact]
    public async Task Viewer_presenting_the_token_while_the_host_is_connected_takes_the_role_and_the_old_host_is_closed_with_4000()
    {
        await using var server = await StartRelayAsync();
        var (host, code, token) = await server.HostSessionAsync();
        await using var _h = host;
        await using var taker = await server.JoinViewerAsync(code, host);
        await using var watcher = await server.JoinViewerAsync(code, host, taker);

        var joined = await taker.JoinAsync(code, token);

        Assert.Equal("host", joined.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, joined.GetProperty("payload").GetProperty("members").GetInt32());
        Assert.Equal(4000, (int?)await host.WaitClosedAsync());
        var viewerLeft = await watcher.ExpectAsync("PEER_LEFT");
        Assert.Equal("viewer", viewerLeft.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("left", viewerLeft.GetProperty("payload").GetProperty("reason").GetString());
        var hostLeft = await watcher.ExpectAsync("PEER_LEFT");
        Assert.Equal("host", hostLeft.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("disconnected", hostLeft.GetProperty("payload").GetProperty("reason").GetString());
        var hostJoined = await watcher.ExpectAsync("PEER_JOINED");
        Assert.Equal("host", hostJoined.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, hostJoined.GetProperty("payload").GetProperty("members").GetInt32());
    }

    [Fact]
    public async Task Token_stays_valid_for_the_whole_life_of_the_session()
    {
        await using var server = await StartRelayAsync();
        var (host, code, token) = await server.HostSessionAsync();
        await host.DisposeAsync();
        await using var second = await server.ConnectAsync();
        await second.JoinAsync(code, token);
        await second.DisposeAsync();
        await using var third = await server.ConnectAsync();

        var joined = await third.JoinAsync(code, token);

        Assert.Equal("host", joined.GetProperty("payload").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Resumed_host_can_end_the_session()
    {
        await using var server = await StartRelayAsync();
        var (host, code, token) = await server.HostSessionAsync();
        await host.DisposeAsync();
        await using var again = await server.ConnectAsync();
        await again.JoinAsync(code, token);

        await again.SendTextAsync("""{"type":"END_SESSION"}""");

        Assert.Equal("ended_by_host", (await again.ExpectAsync("SESSION_ENDED")).GetProperty("payload").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Resuming_host_gets_the_current_state()
    {
        await using var server = await StartRelayAsync();
        var (host, code, token) = await server.HostSessionAsync();
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":5}}""");
        await host.SendTextAsync("""{"type":"PING"}""");
        await host.ExpectAsync("PONG");
        await host.DisposeAsync();
        await using var again = await server.ConnectAsync();

        await again.JoinAsync(code, token);

        Assert.Equal("""{"id":5}""", (await again.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
    }
}
