using System.Net.WebSockets;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "Connecting" and "Errors": message size, UTF-8, frame type, depth, members, sessions, rates.</summary>
public abstract class LimitsTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : LimitsTests(StoreKind.Memory);

    public sealed class OnRedis() : LimitsTests(StoreKind.Redis);

    [Fact]
    public async Task Message_over_MaxMessageBytes_closes_the_connection_with_1009()
    {
        await using var server = await StartRelayAsync(("MaxMessageBytes", "1024"));
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync($$"""{"type":"PING","payload":"{{new string('x', 1100)}}"}""");

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await client.WaitClosedAsync());
    }

    [Fact]
    public async Task Message_of_exactly_MaxMessageBytes_is_accepted()
    {
        await using var server = await StartRelayAsync(("MaxMessageBytes", "1024"));
        await using var client = await server.ConnectAsync();
        var padding = new string('x', 1024 - """{"type":"PING","payload":""}""".Length);

        await client.SendTextAsync($$"""{"type":"PING","payload":"{{padding}}"}""");

        await client.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Message_over_the_default_1_MiB_closes_with_1009()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync($$"""{"type":"PING","payload":"{{new string('x', 1024 * 1024)}}"}""");

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await client.WaitClosedAsync());
    }

    [Fact]
    public async Task Member_closed_for_a_too_big_message_is_seen_as_PEER_LEFT_disconnected()
    {
        await using var server = await StartRelayAsync(("MaxMessageBytes", "1024"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendTextAsync($$"""{"type":"VIEW_CUSTOMER","payload":"{{new string('x', 2000)}}"}""");

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await viewer.WaitClosedAsync());
        var left = await host.ExpectAsync("PEER_LEFT");
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
        await host.SendTextAsync("""{"type":"REQUEST_CUSTOMER_UPDATE","requestId":1}""");
        await host.ExpectAsync("ACK");
    }

    [Fact]
    public async Task Invalid_utf8_closes_with_1007_and_others_see_PEER_LEFT_disconnected()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        byte[] frame = [.. """{"type":"PING","payload":" """u8, 0xC3, 0x28, .. "\"}"u8];

        await viewer.SendBytesAsync(frame, WebSocketMessageType.Text);

        var status = await viewer.WaitClosedAsync();
        Assert.True(status is WebSocketCloseStatus.InvalidPayloadData, $"Closed with {status}: {viewer.ReceiveError}");
        var left = await host.ExpectAsync("PEER_LEFT");
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Binary_frame_gets_UNSUPPORTED_FRAME_and_the_connection_stays_open()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendBytesAsync("""{"type":"PING"}"""u8.ToArray(), WebSocketMessageType.Binary);

        await client.ExpectErrorAsync("UNSUPPORTED_FRAME");
        await client.SendTextAsync("""{"type":"PING"}""");
        await client.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Other_errors_leave_the_connection_open()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("nonsense");
        await client.SendTextAsync("""{"type":"NOPE"}""");
        await client.SendTextAsync("""{"type":"JOIN_SESSION","sessionId":"AAAAAA"}""");
        await client.SendTextAsync("""{"type":"END_SESSION"}""");
        await client.SendTextAsync("""{"type":"PING"}""");

        await client.ExpectErrorAsync("INVALID_JSON");
        await client.ExpectErrorAsync("UNKNOWN_TYPE");
        await client.ExpectErrorAsync("SESSION_NOT_FOUND");
        await client.ExpectErrorAsync("SESSION_ID_REQUIRED");
        await client.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Join_of_a_full_session_is_SESSION_FULL()
    {
        await using var server = await StartRelayAsync(("MaxMembersPerSession", "2"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await using var third = await server.ConnectAsync();

        await third.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}","requestId":"f"}""");

        var error = await third.ExpectErrorAsync("SESSION_FULL");
        Assert.Equal("f", error.GetProperty("requestId").GetString());
        await host.ExpectNothingAsync();
        await viewer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Member_refused_as_SESSION_FULL_receives_nothing_from_that_session()
    {
        await using var server = await StartRelayAsync(("MaxMembersPerSession", "2"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await using var third = await server.ConnectAsync();
        await third.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}"}""");
        await third.ExpectErrorAsync("SESSION_FULL");

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":1,"requestId":1}""");

        Assert.Equal(1, (await host.ExpectAsync("ACK")).GetProperty("payload").GetProperty("delivered").GetInt32());
        await third.ExpectNothingAsync();
    }

    [Fact]
    public async Task Member_rejoining_its_own_full_session_is_not_refused()
    {
        await using var server = await StartRelayAsync(("MaxMembersPerSession", "2"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        var again = await viewer.JoinAsync(code);

        Assert.Equal(2, again.GetProperty("payload").GetProperty("members").GetInt32());
    }

    [Fact]
    public async Task Full_session_admits_again_once_a_member_left()
    {
        await using var server = await StartRelayAsync(("MaxMembersPerSession", "2"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        var viewer = await server.JoinViewerAsync(code, host);
        await viewer.DisposeAsync();
        await host.ExpectAsync("PEER_LEFT");
        await using var third = await server.ConnectAsync();

        await third.JoinAsync(code);
    }

    [Fact]
    public async Task Host_resuming_into_a_full_session_takes_its_role_back()
    {
        await using var server = await StartRelayAsync(("MaxMembersPerSession", "2"));
        var (host, code, token) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await using var again = await server.ConnectAsync();

        var joined = await again.JoinAsync(code, token);

        Assert.Equal("host", joined.GetProperty("payload").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Create_beyond_MaxSessions_is_SERVER_BUSY()
    {
        await using var server = await StartRelayAsync(("MaxSessions", "2"));
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var c = await server.ConnectAsync();
        await a.CreateSessionAsync();
        await b.CreateSessionAsync();

        await c.SendTextAsync("""{"type":"CREATE_SESSION","requestId":"busy"}""");

        var error = await c.ExpectErrorAsync("SERVER_BUSY");
        Assert.Equal("busy", error.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Ended_session_frees_its_place_under_MaxSessions()
    {
        await using var server = await StartRelayAsync(("MaxSessions", "1"));
        await using var a = await server.ConnectAsync();
        await a.CreateSessionAsync();
        await a.SendTextAsync("""{"type":"END_SESSION"}""");
        await a.ExpectAsync("SESSION_ENDED");
        await using var b = await server.ConnectAsync();

        await b.CreateSessionAsync();
    }

    [Fact]
    public async Task Over_the_message_rate_one_RATE_LIMITED_answers_and_the_rest_get_no_reply()
    {
        await using var server = await StartRelayAsync(("MessagesPerSecond", "1"), ("MessageBurst", "3"));
        await using var client = await server.ConnectAsync();

        for (var i = 0; i < 10; i++)
        {
            await client.SendTextAsync($$"""{"type":"PING","requestId":{{i}}}""");
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i, (await client.ExpectAsync("PONG")).GetProperty("requestId").GetInt32());
        }
        Assert.Equal(3, (await client.ExpectErrorAsync("RATE_LIMITED")).GetProperty("requestId").GetInt32());
        await client.ExpectNothingAsync();
    }

    [Fact]
    public async Task Refused_update_is_not_processed()
    {
        await using var server = await StartRelayAsync(("MessagesPerSecond", "1"), ("MessageBurst", "2"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":"one"}""");
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":"refused"}""");

        await host.ExpectErrorAsync("RATE_LIMITED");
        Assert.Equal("\"one\"", (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
        await viewer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Next_RATE_LIMITED_comes_only_after_a_second()
    {
        await using var server = await StartRelayAsync(("MessagesPerSecond", "1"), ("MessageBurst", "1"));
        await using var client = await server.ConnectAsync();
        await client.SendTextAsync("""{"type":"PING"}""");
        await client.ExpectAsync("PONG");
        // Use the token that refills within the second; every message after that is refused.
        await Task.Delay(1050);
        for (var i = 0; i < 6; i++)
        {
            await client.SendTextAsync($$"""{"type":"PING","requestId":{{i}}}""");
        }
        await client.ExpectAsync("PONG");
        await client.ExpectErrorAsync("RATE_LIMITED");
        await client.ExpectNothingAsync();

        await Task.Delay(1100);
        await client.SendTextAsync("""{"type":"PING","requestId":"later"}""");
        // A token refilled in that second, so this one is served; the next is refused and answered again.
        await client.SendTextAsync("""{"type":"PING","requestId":"refused"}""");

        await client.ExpectAsync("PONG");
        Assert.Equal("refused", (await client.ExpectErrorAsync("RATE_LIMITED")).GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task More_than_RateLimitStrikes_refusals_close_the_connection_with_1008()
    {
        await using var server = await StartRelayAsync(("MessagesPerSecond", "1"), ("MessageBurst", "1"), ("RateLimitStrikes", "5"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        for (var i = 0; i < 7; i++)
        {
            await viewer.SendTextAsync("""{"type":"PING"}""");
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await viewer.WaitClosedAsync());
        var left = await host.ExpectAsync("PEER_LEFT");
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task RateLimitStrikes_refusals_exactly_do_not_close_the_connection()
    {
        await using var server = await StartRelayAsync(("MessagesPerSecond", "1"), ("MessageBurst", "1"), ("RateLimitStrikes", "5"));
        await using var client = await server.ConnectAsync();

        for (var i = 0; i < 6; i++)
        {
            await client.SendTextAsync("""{"type":"PING"}""");
        }
        await client.ExpectAsync("PONG");
        await client.ExpectErrorAsync("RATE_LIMITED");
        await Task.Delay(1100);
        await client.SendTextAsync("""{"type":"PING"}""");

        await client.ExpectAsync("PONG");
    }

    [Fact]
    public async Task After_FailedJoinsPerMinute_failed_joins_even_a_live_code_is_RATE_LIMITED()
    {
        await using var server = await StartRelayAsync(("FailedJoinsPerMinute", "3"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var guesser = await server.ConnectAsync();
        foreach (var guess in new[] { "AAAAAA", "BBBBBB", "CCCCCC" })
        {
            await guesser.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{guess}}"}""");
            await guesser.ExpectErrorAsync("SESSION_NOT_FOUND");
        }

        await guesser.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}","requestId":"live"}""");

        Assert.Equal("live", (await guesser.ExpectErrorAsync("RATE_LIMITED")).GetProperty("requestId").GetString());
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Fewer_failed_joins_than_the_limit_still_let_a_live_code_in()
    {
        await using var server = await StartRelayAsync(("FailedJoinsPerMinute", "3"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var guesser = await server.ConnectAsync();
        foreach (var guess in new[] { "AAAAAA", "BBBBBB" })
        {
            await guesser.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{guess}}"}""");
            await guesser.ExpectErrorAsync("SESSION_NOT_FOUND");
        }

        await guesser.JoinAsync(code);
    }

    [Fact]
    public async Task Failed_join_limit_is_per_connection()
    {
        await using var server = await StartRelayAsync(("FailedJoinsPerMinute", "1"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var guesser = await server.ConnectAsync();
        await guesser.SendTextAsync("""{"type":"JOIN_SESSION","sessionId":"AAAAAA"}""");
        await guesser.ExpectErrorAsync("SESSION_NOT_FOUND");
        await using var other = await server.ConnectAsync();

        await other.JoinAsync(code);
    }

    [Fact]
    public async Task Refused_joins_count_as_strikes_and_close_the_connection_with_1008()
    {
        await using var server = await StartRelayAsync(("FailedJoinsPerMinute", "1"), ("RateLimitStrikes", "3"));
        await using var guesser = await server.ConnectAsync();
        await guesser.SendTextAsync("""{"type":"JOIN_SESSION","sessionId":"AAAAAA"}""");
        await guesser.ExpectErrorAsync("SESSION_NOT_FOUND");

        for (var i = 0; i < 4; i++)
        {
            await guesser.SendTextAsync("""{"type":"JOIN_SESSION","sessionId":"BBBBBB"}""");
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await guesser.WaitClosedAsync());
    }
}
