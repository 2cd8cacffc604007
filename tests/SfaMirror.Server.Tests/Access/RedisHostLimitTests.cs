using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Access;

/// <summary>MaxSessionsPerHost counts a subject's sessions on every node sharing Redis, not per node.</summary>
public sealed class RedisHostLimitTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Host_limit_counts_sessions_created_on_other_nodes()
    {
        await using var cluster = await RelayCluster.StartAsync(fixture.Redis, 2, HostTokens.Settings("Required", ("MaxSessionsPerHost", "1")));
        await using var first = await cluster[0].ConnectAsync();
        await first.SendAsync(new { type = "CREATE_SESSION", payload = new { token = HostTokens.Hs256("rep-1") } });
        await first.ExpectAsync("SESSION_CREATED");
        await using var second = await cluster[1].ConnectAsync();

        await second.SendAsync(new { type = "CREATE_SESSION", payload = new { token = HostTokens.Hs256("rep-1") } });

        await second.ExpectErrorAsync("HOST_SESSION_LIMIT");
    }

    [Fact]
    public async Task Viewers_on_another_node_see_host_verified()
    {
        await using var cluster = await RelayCluster.StartAsync(fixture.Redis, 2, HostTokens.Settings("Optional"));
        await using var host = await cluster[0].ConnectAsync();
        await host.SendAsync(new { type = "CREATE_SESSION", payload = new { token = HostTokens.Hs256() } });
        var code = (await host.ExpectAsync("SESSION_CREATED")).GetProperty("sessionId").GetString()!;
        await using var viewer = await cluster[1].ConnectAsync();

        var joined = await viewer.JoinAsync(code);

        Assert.True(joined.GetProperty("payload").GetProperty("hostVerified").GetBoolean());
    }
}
