using SfaMirror.Bench;
using SfaMirror.Bench.Raw;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Bench;

/// <summary>
/// The load generator (bench/) against a real relay, its scenarios scaled down: the figures in
/// docs/performance.md are only as good as the generator's own WebSocket client and its checks.
/// </summary>
public sealed class LoadGeneratorTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Fanout_counts_every_update_delivered_once_in_order_to_its_own_session()
    {
        // Pings every 0.2 s and a 1.2 s timeout, inside a 2.3 s run: viewers never speak, so only answered
        // pings keep them through it (the timeout leaves room for a busy test machine).
        await using var server = await RelayServer.StartAsync(("KeepAliveIntervalSeconds", "0.2"), ("KeepAliveTimeoutSeconds", "1.2"));

        var result = await MeasureFanoutAsync(server, sessions: 4, payloadBytes: 1024, measureSeconds: 2, before: _ => Task.CompletedTask);

        Assert.True((long)result["expected"]! >= 4 * 3 * 20, $"expected {result["expected"]}");
        Assert.Equal(result["expected"], result["delivered"]);
        Assert.Equal(0L, result["lost"]);
        Assert.Equal(0L, result["misrouted"]);
        Assert.Equal(0L, result["out_of_order"]);
        Assert.Equal(0L, result["send_errors"]);
        Assert.Equal(0, result["connections_ended"]);
        Assert.Equal(0, result["viewers_behind"]);
        // The kernel's part of the server's CPU is reported beside the whole (the relay runs in this process).
        var kernel = (double)result["server_kernel_us_per_delivery"]!;
        Assert.InRange(kernel, double.Epsilon, (double)result["server_us_per_delivery"]!);
    }

    [Fact]
    public async Task Fanout_names_a_viewer_that_stopped_receiving_and_not_its_session()
    {
        await using var server = await RelayServer.StartAsync();

        var result = await MeasureFanoutAsync(server, sessions: 2, payloadBytes: 256, measureSeconds: 1, before: async scenario =>
        {
            var dropped = scenario.Viewers[0];
            dropped.Abort();
            await dropped.Closed.ContinueWith(_ => { }).WaitAsync(Bound);
        });

        Assert.True((long)result["lost"]! > 0);
        Assert.Equal(0L, result["gaps"]); // the loss leaves no gap: why the two counts below exist
        Assert.Equal(1, result["connections_ended"]);
        Assert.Equal(1, result["viewers_behind"]);
        Assert.Equal(0, result["sessions_all_viewers_behind"]);
    }

    /// <summary>Sessions of one host and 3 viewers at 20 updates/s per host; <paramref name="before"/> runs once they are set up.</summary>
    private static async Task<Dictionary<string, object?>> MeasureFanoutAsync(
        RelayServer server, int sessions, int payloadBytes, double measureSeconds, Func<FanoutScenario, Task> before)
    {
        using var cts = new CancellationTokenSource(Bound);
        var scenario = new FanoutScenario(Target(server), sessions, viewers: 3, payloadBytes);
        await scenario.SetUpAsync(cts.Token);
        try
        {
            await before(scenario);
            scenario.SetRate(20);
            return await scenario.MeasureAsync(warmupSeconds: 0.3, measureSeconds, cts.Token);
        }
        finally
        {
            await scenario.StopAsync();
        }
    }

    [Fact]
    public async Task Churn_completes_cycles_with_close_handshakes_and_no_errors()
    {
        // Churn reconnects from one address as fast as it can (thousands a second): past the default
        // ConnectionsPerAddressPerSecond, which is what it measures, so this relay lets it.
        await using var server = await RelayServer.StartAsync(("ConnectionsPerAddressPerSecond", "1000000"), ("ConnectionBurstPerAddress", "1000000"));
        using var cts = new CancellationTokenSource(Bound);

        var result = await new ChurnScenario(Target(server), workers: 4).RunAsync(warmupSeconds: 0.2, measureSeconds: 1, cts.Token);

        Assert.True((long)result["cycles"]! > 0);
        Assert.Equal(0L, result["errors"]);
    }

    [Fact]
    public async Task Connect_storm_joins_every_connection()
    {
        await using var server = await RelayServer.StartAsync();
        using var cts = new CancellationTokenSource(Bound);

        var result = await new ConnectStormScenario(Target(server), connections: 200, perSession: 4).RunAsync(cts.Token);

        Assert.Equal(200L, result["joined"]);
        Assert.Equal(0L, result["failures"]);
    }

    [Fact]
    public async Task Generator_client_fails_a_join_with_the_servers_error()
    {
        await using var server = await RelayServer.StartAsync();
        var viewer = await Target(server).ConnectAsync(0, CancellationToken.None).WaitAsync(Bound);

        var error = await Assert.ThrowsAsync<IOException>(() => viewer.JoinAsync("ZZZZZZ").WaitAsync(Bound));

        Assert.Contains("SESSION_NOT_FOUND", error.Message);
        await viewer.CloseAsync();
    }

    [Fact]
    public async Task Generator_client_that_closed_gets_no_events_from_its_socket_still_open_elsewhere()
    {
        // A process forked by the test host (redis-server, a relay) holds every socket until it execs; epoll keeps
        // reporting a closed descriptor's socket while another reference lives. The second reference here is a dup.
        await using var server = await RelayServer.StartAsync();
        var target = Target(server);
        var (code, members) = await target.OpenSessionAsync(viewers: 1, CancellationToken.None).WaitAsync(Bound);
        var viewer = members[1];
        var elsewhere = Libc.Dup(viewer.Fd);
        try
        {
            await viewer.CloseAsync().WaitAsync(Bound);
            Assert.Equal(-1, viewer.Fd);

            // The socket has seen the server's FIN, so a loop still watching it is handed the freed client at once
            // (before the fix, that killed the loop's thread and this test host). Then every loop must still serve:
            // enough new viewers to reach each of them join the same session.
            await Task.Delay(300);
            for (var i = 0; i < 2 * Environment.ProcessorCount; i++)
            {
                var next = await target.ConnectAsync(100 + i, CancellationToken.None).WaitAsync(Bound);
                await next.JoinAsync(code).WaitAsync(Bound);
                await next.CloseAsync().WaitAsync(Bound);
            }
        }
        finally
        {
            Libc.Close(elsewhere);
            await members[0].CloseAsync();
        }
    }

    /// <summary>The relay runs in this process, so the generator's "server CPU" is this process's.</summary>
    private static Target Target(RelayServer server) => new(server.WebSocketUri, Environment.ProcessId, sourceAddresses: 1);
}
