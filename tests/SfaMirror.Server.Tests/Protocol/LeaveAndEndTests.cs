using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "What clients send": <c>LEAVE_SESSION</c>, <c>END_SESSION</c> and what members see when someone goes.</summary>
public abstract class LeaveAndEndTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : LeaveAndEndTests(StoreKind.Memory);

    public sealed class OnRedis() : LeaveAndEndTests(StoreKind.Redis);

    [Fact]
    public async Task Leave_replies_SESSION_LEFT_and_others_see_PEER_LEFT_left()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendTextAsync($$"""{"type":"LEAVE_SESSION","sessionId":"{{code}}"}""");

        Assert.Equal(code, (await viewer.ExpectAsync("SESSION_LEFT")).GetProperty("sessionId").GetString());
        var left = await host.ExpectAsync("PEER_LEFT");
        Assert.Equal(code, left.GetProperty("sessionId").GetString());
        Assert.Equal("viewer", left.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(1, left.GetProperty("payload").GetProperty("members").GetInt32());
        Assert.Equal("left", left.GetProperty("payload").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Leave_without_sessionId_leaves_the_current_session()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendTextAsync("""{"type":"LEAVE_SESSION"}""");

        Assert.Equal(code, (await viewer.ExpectAsync("SESSION_LEFT")).GetProperty("sessionId").GetString());
        await host.ExpectAsync("PEER_LEFT");
    }

    [Fact]
    public async Task Member_that_left_gets_no_more_updates_and_may_not_send_any()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await viewer.SendTextAsync("""{"type":"LEAVE_SESSION"}""");
        await viewer.ExpectAsync("SESSION_LEFT");
        await host.ExpectAsync("PEER_LEFT");

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":1}""");
        await viewer.SendTextAsync($$"""{"type":"VIEW_CUSTOMER","sessionId":"{{code}}","payload":2}""");

        await viewer.ExpectErrorAsync("NOT_IN_SESSION");
        await viewer.ExpectNothingAsync();
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Leave_of_a_code_not_joined_is_NOT_IN_SESSION()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        var (other, otherCode, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var _o = other;

        await host.SendTextAsync($$"""{"type":"LEAVE_SESSION","sessionId":"{{otherCode}}"}""");

        await host.ExpectErrorAsync("NOT_IN_SESSION");
        await other.ExpectNothingAsync();
    }

    [Fact]
    public async Task Leave_outside_any_session_is_SESSION_ID_REQUIRED()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"LEAVE_SESSION"}""");

        await client.ExpectErrorAsync("SESSION_ID_REQUIRED");
    }

    [Fact]
    public async Task Closing_the_connection_is_seen_as_PEER_LEFT_disconnected()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        var viewer = await server.JoinViewerAsync(code, host);

        await viewer.DisposeAsync();

        var left = await host.ExpectAsync("PEER_LEFT");
        Assert.Equal("viewer", left.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Equal(1, left.GetProperty("payload").GetProperty("members").GetInt32());
    }

    [Fact]
    public async Task End_gives_SESSION_ENDED_ended_by_host_to_every_member_the_host_included()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var a = await server.JoinViewerAsync(code, host);
        await using var b = await server.JoinViewerAsync(code, host, a);

        await host.SendTextAsync($$"""{"type":"END_SESSION","sessionId":"{{code}}"}""");

        foreach (var member in new[] { host, a, b })
        {
            var ended = await member.ExpectAsync("SESSION_ENDED");
            Assert.Equal(code, ended.GetProperty("sessionId").GetString());
            Assert.Equal("ended_by_host", ended.GetProperty("payload").GetProperty("reason").GetString());
            await member.ExpectNothingAsync();
        }
    }

    [Fact]
    public async Task Ended_session_is_gone_at_once()
    {
        await using var server = await StartRelayAsync(("EmptySessionGraceSeconds", "60"));
        var (host, code, token) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"END_SESSION"}""");
        await host.ExpectAsync("SESSION_ENDED");

        await host.SendTextAsync($$$"""{"type":"JOIN_SESSION","sessionId":"{{{code}}}","payload":{"resumeToken":"{{{token}}}"}}""");

        await host.ExpectErrorAsync("SESSION_NOT_FOUND");
    }

    [Fact]
    public async Task Members_of_an_ended_session_are_in_no_session()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await host.SendTextAsync("""{"type":"END_SESSION"}""");
        await viewer.ExpectAsync("SESSION_ENDED");

        await viewer.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{}}""");

        await viewer.ExpectErrorAsync("SESSION_ID_REQUIRED");
    }

    [Fact]
    public async Task End_from_a_viewer_is_NOT_HOST_and_the_session_lives_on()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendTextAsync("""{"type":"END_SESSION","requestId":"e"}""");

        var error = await viewer.ExpectErrorAsync("NOT_HOST");
        Assert.Equal("e", error.GetProperty("requestId").GetString());
        await host.ExpectNothingAsync();
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":1}""");
        await viewer.ExpectAsync("VIEW_CUSTOMER");
    }

    [Fact]
    public async Task End_of_a_code_not_joined_is_NOT_IN_SESSION_whether_or_not_it_exists()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var outsider = await server.ConnectAsync();

        await outsider.SendTextAsync($$"""{"type":"END_SESSION","sessionId":"{{code}}"}""");
        await outsider.SendTextAsync("""{"type":"END_SESSION","sessionId":"ZZZZZZ"}""");

        await outsider.ExpectErrorAsync("NOT_IN_SESSION");
        await outsider.ExpectErrorAsync("NOT_IN_SESSION");
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task End_outside_any_session_is_SESSION_ID_REQUIRED()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"END_SESSION"}""");

        await client.ExpectErrorAsync("SESSION_ID_REQUIRED");
    }
}
