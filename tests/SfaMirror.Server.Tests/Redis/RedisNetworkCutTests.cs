using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Redis;

/// <summary>Short cuts between the relay nodes and a Redis that keeps its data.</summary>
public sealed class RedisNetworkCutTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private readonly RedisServerProcess _redis = fixture.Redis;

    [Fact]
    public async Task Members_on_two_nodes_relay_again_after_a_short_cut()
    {
        await using var proxy = new TcpProxy(_redis.Port);
        await using var cluster = await StartBehindAsync(proxy);
        await using var host = await cluster[0].ConnectAsync();
        await using var viewer = await cluster[1].ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await viewer.JoinAsync(code);
        await host.ExpectAsync("PEER_JOINED");

        proxy.Cut();
        await WaitAvailableAsync(cluster, false);
        proxy.Restore();
        await WaitAvailableAsync(cluster, true);

        // The subscriptions come back shortly after the commands do; an update sent before that is lost
        // for the other node, so send until one arrives.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"after":"cut"},"requestId":1}""");
            var reply = await host.ReceiveAsync();
            if (reply.GetProperty("type").GetString() == "ACK")
            {
                try
                {
                    var update = await viewer.ExpectAsync("VIEW_CUSTOMER", TimeSpan.FromMilliseconds(200));
                    Assert.Equal("""{"after":"cut"}""", update.GetProperty("payload").GetRawText());
                    return;
                }
                catch (TimeoutException) when (deadline.Elapsed < TimeSpan.FromSeconds(8))
                {
                }
            }
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(8), "no update relayed after the cut");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Member_that_disconnects_during_a_cut_is_removed_once_redis_is_back()
    {
        await using var proxy = new TcpProxy(_redis.Port);
        await using var cluster = await StartBehindAsync(proxy);
        await using var host = await cluster[0].ConnectAsync();
        var viewer = await cluster[1].ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await viewer.JoinAsync(code);
        var store = cluster[0].Services.GetRequiredService<ISessionStore>();
        Assert.Equal(2, (await store.GetStatsAsync(CancellationToken.None)).Members);

        proxy.Cut();
        await WaitAvailableAsync(cluster, false);
        await viewer.DisposeAsync();
        await Task.Delay(300);
        proxy.Restore();

        var deadline = Stopwatch.StartNew();
        while (!await store.IsAvailableAsync(CancellationToken.None) || (await store.GetStatsAsync(CancellationToken.None)).Members != 1)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(8), "the viewer is still counted as a member");
            await Task.Delay(100);
        }
    }

    private static Task<RelayCluster> StartBehindAsync(TcpProxy proxy) =>
        RelayCluster.StartAsync($"127.0.0.1:{proxy.Port},connectTimeout=2000", RelayCluster.NewPrefix(), 2, ("NodeLeaseSeconds", "10"));

    private static async Task WaitAvailableAsync(RelayCluster cluster, bool available)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var i in new[] { 0, 1 })
        {
            var store = cluster[i].Services.GetRequiredService<ISessionStore>();
            while (await store.IsAvailableAsync(CancellationToken.None).AsTask().WaitAsync(TestClient.DefaultTimeout) != available)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(8), $"node {i} never became {(available ? "available" : "unavailable")}");
                await Task.Delay(50);
            }
        }
    }
}
