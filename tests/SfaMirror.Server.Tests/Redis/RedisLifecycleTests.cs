using Microsoft.Extensions.DependencyInjection;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Redis;

/// <summary>Grace, idle expiry, code uniqueness and counts, decided once for the whole cluster.</summary>
public sealed class RedisLifecycleTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private readonly RedisServerProcess _redis = fixture.Redis;

    [Fact]
    public async Task Empty_session_stays_joinable_from_another_node_with_its_state()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2, ("EmptySessionGraceSeconds", "30"));
        var host = await cluster[0].ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"k":1},"requestId":1}""");
        await host.ExpectAsync("ACK");
        await host.DisposeAsync();
        await Task.Delay(200);

        await using var viewer = await cluster[1].ConnectAsync();
        var joined = await viewer.JoinAsync(code);

        Assert.Equal(1, joined.GetProperty("payload").GetProperty("members").GetInt32());
        Assert.Equal("""{"k":1}""", (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Empty_session_is_deleted_after_its_grace_period()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2, ("EmptySessionGraceSeconds", "0.3"));
        var host = await cluster[0].ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await host.DisposeAsync();
        await Task.Delay(1000);

        await using var viewer = await cluster[1].ConnectAsync();
        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = code });

        Assert.Equal("SESSION_NOT_FOUND", (await viewer.ExpectAsync("ERROR")).GetProperty("payload").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Idle_session_expires_once_for_members_on_every_node()
    {
        // 0.01 minutes: 0.6 s without a message.
        await using var cluster = await RelayCluster.StartAsync(_redis, 3, ("IdleSessionMinutes", "0.01"));
        await using var host = await cluster[0].ConnectAsync();
        await using var viewer = await cluster[1].ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await viewer.JoinAsync(code);
        await host.ExpectAsync("PEER_JOINED");

        foreach (var member in new[] { host, viewer })
        {
            var ended = await member.ExpectAsync("SESSION_ENDED", TimeSpan.FromSeconds(3));
            Assert.Equal("expired", ended.GetProperty("payload").GetProperty("reason").GetString());
        }
        await host.ExpectNothingAsync();
        await viewer.ExpectNothingAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Codes_created_on_two_nodes_are_all_distinct()
    {
        const int clientsPerNode = 4, createsPerClient = 12;
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        var clients = new List<TestClient>();
        for (var i = 0; i < clientsPerNode * 2; i++)
        {
            clients.Add(await cluster[i % 2].ConnectAsync());
        }
        try
        {
            var codes = await Task.WhenAll(clients.Select(async client =>
            {
                var mine = new List<string>();
                for (var i = 0; i < createsPerClient; i++)
                {
                    mine.Add((await client.CreateSessionAsync()).Code);
                }
                return mine;
            }));

            var all = codes.SelectMany(c => c).ToList();
            Assert.Equal(clientsPerNode * 2 * createsPerClient, all.Distinct().Count());
            var stats = await cluster[0].Services.GetRequiredService<ISessionStore>().GetStatsAsync(CancellationToken.None).AsTask().WaitAsync(TestClient.DefaultTimeout);
            Assert.Equal(all.Count, stats.Sessions);
            Assert.Equal(clients.Count, stats.Members);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Session_list_shows_sessions_and_members_of_every_node()
    {
        await using var cluster = await RelayCluster.StartAsync(_redis, 2);
        await using var host = await cluster[0].ConnectAsync();
        await using var viewer = await cluster[1].ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await viewer.JoinAsync(code);
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":1,"requestId":1}""");
        await host.ExpectAsync("PEER_JOINED");
        await host.ExpectAsync("ACK");

        var list = await cluster[1].Services.GetRequiredService<ISessionStore>().ListSessionsAsync(10, CancellationToken.None).AsTask().WaitAsync(TestClient.DefaultTimeout);

        var info = Assert.Single(list);
        Assert.Equal(code, info.Code);
        Assert.Equal((1, 1, 1L), (info.Hosts, info.Viewers, info.Seq));
        Assert.True(info.LastActivity >= info.CreatedAt);
    }
}
