using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "Lifecycle": the empty grace period and idle expiry.</summary>
public abstract class LifecycleTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : LifecycleTests(StoreKind.Memory);

    public sealed class OnRedis() : LifecycleTests(StoreKind.Redis);

    [Fact]
    public async Task Empty_session_stays_joinable_with_its_state_during_the_grace_period()
    {
        await using var server = await StartRelayAsync(("EmptySessionGraceSeconds", "30"));
        var (host, code, _) = await server.HostSessionAsync();
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":"kept"}}""");
        await host.SendTextAsync("""{"type":"LEAVE_SESSION"}""");
        await host.SkipUntilAsync("SESSION_LEFT");
        await host.DisposeAsync();
        await Task.Delay(200);
        await using var viewer = await server.ConnectAsync();

        var joined = await viewer.JoinAsync(code);

        Assert.Equal(1, joined.GetProperty("payload").GetProperty("members").GetInt32());
        Assert.Equal("""{"id":"kept"}""", (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Host_dropping_and_resuming_within_the_grace_period_picks_up_where_it_was()
    {
        await using var server = await StartRelayAsync(("EmptySessionGraceSeconds", "30"));
        var (host, code, token) = await server.HostSessionAsync();
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"sku":"P"},"requestId":1}""");
        await host.ExpectAsync("ACK");
        host.Socket.Abort();
        await Task.Delay(200);
        await using var again = await server.ConnectAsync();

        var joined = await again.JoinAsync(code, token);

        Assert.Equal("host", joined.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("""{"sku":"P"}""", (await again.ExpectAsync("VIEW_PRODUCT")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Empty_session_is_deleted_after_the_grace_period()
    {
        await using var server = await StartRelayAsync(("EmptySessionGraceSeconds", "0.2"));
        var (host, code, _) = await server.HostSessionAsync();
        await host.DisposeAsync();
        await Task.Delay(600);
        await using var late = await server.ConnectAsync();

        await late.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}"}""");

        await late.ExpectErrorAsync("SESSION_NOT_FOUND");
    }

    [Fact]
    public async Task Session_with_a_member_is_not_deleted_by_the_grace_period()
    {
        await using var server = await StartRelayAsync(("EmptySessionGraceSeconds", "0.1"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await Task.Delay(500);
        await using var viewer = await server.ConnectAsync();

        await viewer.JoinAsync(code);
    }

    [Fact]
    public async Task Joining_an_empty_session_restarts_nothing_and_it_survives_past_the_grace_period()
    {
        // A grace period long enough that a loaded machine still joins within it.
        await using var server = await StartRelayAsync(("EmptySessionGraceSeconds", "1.5"));
        var (host, code, _) = await server.HostSessionAsync();
        await host.DisposeAsync();
        await Task.Delay(100);
        await using var viewer = await server.ConnectAsync();
        await viewer.JoinAsync(code);

        await Task.Delay(2000);
        await using var second = await server.ConnectAsync();

        await second.JoinAsync(code);
    }

    [Fact]
    public async Task Idle_session_ends_with_SESSION_ENDED_expired_to_every_member()
    {
        // 0.005 minutes is 0.3 s.
        await using var server = await StartRelayAsync(("IdleSessionMinutes", "0.005"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        foreach (var member in new[] { host, viewer })
        {
            var ended = await member.ExpectAsync("SESSION_ENDED", TimeSpan.FromSeconds(3));
            Assert.Equal(code, ended.GetProperty("sessionId").GetString());
            Assert.Equal("expired", ended.GetProperty("payload").GetProperty("reason").GetString());
            Assert.False(ended.TryGetProperty("requestId", out _));
        }
    }

    [Fact]
    public async Task Expired_session_is_gone()
    {
        await using var server = await StartRelayAsync(("IdleSessionMinutes", "0.005"));
        var (host, code, token) = await server.HostSessionAsync();
        await using var _h = host;
        await host.ExpectAsync("SESSION_ENDED", TimeSpan.FromSeconds(3));

        await host.SendTextAsync($$$"""{"type":"JOIN_SESSION","sessionId":"{{{code}}}","payload":{"resumeToken":"{{{token}}}"}}""");

        await host.ExpectErrorAsync("SESSION_NOT_FOUND");
    }

    [Fact]
    public async Task Updates_keep_a_session_from_expiring()
    {
        await using var server = await StartRelayAsync(("IdleSessionMinutes", "0.025"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;

        // 0.025 minutes is 1.5 s; updates every 0.15 s for 3 s, twice that (a gap of 1.5 s would need a long stall).
        for (var i = 0; i < 20; i++)
        {
            await host.SendTextAsync($$"""{"type":"VIEW_CUSTOMER","payload":{{i}}}""");
            await Task.Delay(150);
        }

        await host.ExpectNothingAsync(TimeSpan.FromMilliseconds(100));
    }
}
