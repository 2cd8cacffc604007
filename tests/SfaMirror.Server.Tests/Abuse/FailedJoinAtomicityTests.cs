using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Abuse;

/// <summary>docs/protocol.md, <c>JOIN_SESSION</c>: a join of another code that fails leaves the connection in the session it was in.</summary>
public abstract class FailedJoinAtomicityTests(StoreRelays relays)
{
    [Fact]
    public async Task A_viewer_whose_join_of_an_unknown_code_fails_stays_in_its_session()
    {
        await using var server = await relays.StartAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = "ZZZZZZ" });
        await viewer.ExpectErrorAsync("SESSION_NOT_FOUND");

        await AssertStillInAsync(host, viewer, code);
    }

    [Fact]
    public async Task A_viewer_whose_join_of_a_full_session_fails_stays_in_its_session()
    {
        await using var server = await relays.StartAsync(("MaxMembersPerSession", "2"));
        var (host, code, _) = await server.HostSessionAsync();
        var (otherHost, fullCode, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var _o = otherHost;
        await using var other = await server.JoinViewerAsync(fullCode, otherHost);
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = fullCode });
        await viewer.ExpectErrorAsync("SESSION_FULL");

        await AssertStillInAsync(host, viewer, code);
    }

    [Fact]
    public async Task A_viewer_refused_a_join_by_the_rate_limit_stays_in_its_session()
    {
        await using var server = await relays.StartAsync(("FailedJoinsPerAddressPerMinute", "1"));
        var (host, code, _) = await server.HostSessionAsync();
        var (otherHost, otherCode, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var _o = otherHost;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = "ZZZZZZ" });
        await viewer.ExpectErrorAsync("SESSION_NOT_FOUND");

        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = otherCode });
        await viewer.ExpectErrorAsync("RATE_LIMITED");

        await AssertStillInAsync(host, viewer, code);
    }

    /// <summary>The host sees no PEER_LEFT, and its next update still reaches the viewer.</summary>
    private static async Task AssertStillInAsync(TestClient host, TestClient viewer, string code)
    {
        await host.ExpectNothingAsync();
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":1},"requestId":1}""");
        Assert.Equal(1, (await host.ExpectAsync("ACK")).GetProperty("payload").GetProperty("delivered").GetInt32());
        var update = await viewer.ExpectAsync("VIEW_CUSTOMER");
        Assert.Equal(code, update.GetProperty("sessionId").GetString());
    }
}

public sealed class MemoryFailedJoinAtomicityTests() : FailedJoinAtomicityTests(new StoreRelays.Memory());

public sealed class RedisFailedJoinAtomicityTests(RedisFixture fixture)
    : FailedJoinAtomicityTests(new StoreRelays.Redis(fixture.Redis)), IClassFixture<RedisFixture>;
