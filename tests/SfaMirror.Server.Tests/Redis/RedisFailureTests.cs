using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Redis;

/// <summary>What happens when a node dies, when every node restarts, and when Redis goes away and comes back.</summary>
public sealed class RedisFailureTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static readonly WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;
    private readonly RedisServerProcess _redis = fixture.Redis;

    [Fact]
    public async Task Members_of_a_killed_node_leave_as_disconnected_within_the_lease()
    {
        (string, string)[] fast = [("NodeLeaseSeconds", "1"), ("SweepIntervalSeconds", "0.1")];
        await using var cluster = await RelayCluster.StartAsync(_redis, 1, fast);
        await using var doomed = await RelayProcess.StartAsync(_redis, cluster.KeyPrefix, fast);
        await using var host = await cluster[0].ConnectAsync();
        await using var viewer = await TestClient.ConnectAsync(doomed.WebSocketUri);
        var (code, _) = await host.CreateSessionAsync();
        await viewer.JoinAsync(code);
        await host.ExpectAsync("PEER_JOINED");

        var killedAt = Stopwatch.StartNew();
        doomed.Kill();

        var left = await host.ExpectAsync("PEER_LEFT", TimeSpan.FromSeconds(5));
        Assert.Equal("viewer", left.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Equal(1, left.GetProperty("payload").GetProperty("members").GetInt32());
        // Lease (1 s) + one sweep (0.1 s), with room for a busy machine.
        Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(3), $"took {killedAt.Elapsed}");
    }

    [Fact]
    public async Task Sessions_and_state_survive_a_restart_of_every_node()
    {
        var prefix = RelayCluster.NewPrefix();
        string code, token;
        await using (var before = await RelayCluster.StartAsync(_redis, prefix, 2))
        {
            await using var host = await before[0].ConnectAsync();
            await using var viewer = await before[1].ConnectAsync();
            (code, token) = await host.CreateSessionAsync();
            await viewer.JoinAsync(code);
            await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"name":"Ada"},"requestId":1}""");
            await viewer.ExpectAsync("VIEW_CUSTOMER");

            await before.StopAsync();

            Assert.Equal(ServiceRestart, await host.WaitClosedAsync());
            Assert.Equal(ServiceRestart, await viewer.WaitClosedAsync());
        }

        await using var after = await RelayCluster.StartAsync(_redis, prefix, 2);
        await using var resumed = await after[1].ConnectAsync();
        var joined = await resumed.JoinAsync(code, token);
        Assert.Equal("host", joined.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(1, joined.GetProperty("payload").GetProperty("members").GetInt32());
        var customer = await resumed.ExpectAsync("VIEW_CUSTOMER");
        Assert.Equal("""{"name":"Ada"}""", customer.GetProperty("payload").GetRawText());
        Assert.Equal(1, customer.GetProperty("seq").GetInt64());

        await resumed.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":"p","requestId":2}""");
        await resumed.ExpectAsync("ACK");
        await using var viewerAgain = await after[0].ConnectAsync();
        await viewerAgain.JoinAsync(code);
        await viewerAgain.ExpectAsync("VIEW_CUSTOMER");
        Assert.Equal(2, (await viewerAgain.ExpectAsync("VIEW_PRODUCT")).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Redis_outage_answers_store_unavailable_and_recovers_by_itself()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var cluster = await RelayCluster.StartAsync(redis, 1, ("NodeLeaseSeconds", "1"));
        var store = cluster[0].Services.GetRequiredService<ISessionStore>();
        await using var client = await cluster[0].ConnectAsync();
        await client.CreateSessionAsync();

        await redis.StopAsync();
        await client.SendAsync(new { type = "CREATE_SESSION", requestId = "down" });

        var error = await client.ExpectAsync("ERROR");
        Assert.Equal("STORE_UNAVAILABLE", error.GetProperty("payload").GetProperty("code").GetString());
        Assert.Equal("down", error.GetProperty("requestId").GetString());
        Assert.False(await store.IsAvailableAsync(CancellationToken.None).AsTask().WaitAsync(TestClient.DefaultTimeout));

        await redis.StartAgainAsync();
        await WaitUntilAsync(() => store.IsAvailableAsync(CancellationToken.None).AsTask(), TimeSpan.FromSeconds(10));
        // This Redis kept no data, so the node's lease is gone too: it sends its clients off to reconnect.
        Assert.Equal(ServiceRestart, await client.WaitClosedAsync());
        await using var host = await cluster[0].ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await using var viewer = await cluster[0].ConnectAsync();
        await viewer.JoinAsync(code);
        await host.ExpectAsync("PEER_JOINED");
    }

    [Fact]
    public async Task Node_started_while_redis_is_down_answers_store_unavailable()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await redis.StopAsync();
        await using var node = await RelayServer.StartAsync(("Redis", redis.ConnectionString), ("RedisKeyPrefix", RelayCluster.NewPrefix()));
        await using var client = await node.ConnectAsync();

        await client.SendAsync(new { type = "JOIN_SESSION", sessionId = "ABCDEF" });

        var error = await client.ExpectAsync("ERROR");
        Assert.Equal("STORE_UNAVAILABLE", error.GetProperty("payload").GetProperty("code").GetString());
        Assert.False(await node.Services.GetRequiredService<ISessionStore>().IsAvailableAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Readyz_reports_not_ready_while_redis_is_down_and_ready_again_after()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var node = await RelayServer.StartAsync(("Redis", redis.ConnectionString), ("RedisKeyPrefix", RelayCluster.NewPrefix()));
        using var http = new HttpClient { BaseAddress = node.BaseUri, Timeout = TestClient.DefaultTimeout };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);

        await redis.StopAsync();
        var down = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("application/json", down.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);

        await redis.StartAgainAsync();
        await WaitUntilAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Admin_stats_answer_a_503_problem_while_redis_is_down()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var node = await RelayServer.StartAsync(("Redis", redis.ConnectionString), ("RedisKeyPrefix", RelayCluster.NewPrefix()), ("AdminToken", "s3cret"));
        using var http = new HttpClient { BaseAddress = node.BaseUri, Timeout = TestClient.DefaultTimeout };
        await redis.StopAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/api/stats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, json.RootElement.GetProperty("status").GetInt32());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition().WaitAsync(timeout))
        {
            Assert.True(deadline.Elapsed < timeout, $"condition not met within {timeout}");
            await Task.Delay(50);
        }
    }
}
