using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Observability;

[Collection(MetricsCollection.Name)]
public sealed class SlowConsumerMetricsTests
{
    [Fact]
    public async Task Viewer_that_stops_reading_moves_the_coalesced_updates_metric()
    {
        // A long send timeout: the stalled viewer stays connected, so its queued updates can only be coalesced.
        var moved = await StallViewerUntilAsync("relay_updates_coalesced_total", ("SendTimeoutSeconds", "30"));
        Assert.True(moved, "relay_updates_coalesced_total did not move");
    }

    [Fact]
    public async Task Viewer_that_stops_reading_moves_the_slow_consumer_closes_metric()
    {
        var moved = await StallViewerUntilAsync("relay_slow_consumer_closes_total", ("SendTimeoutSeconds", "0.5"));
        Assert.True(moved, "relay_slow_consumer_closes_total did not move");
    }

    /// <summary>
    /// A viewer joins on a raw socket and never reads again, so its TCP buffers fill and the relay's writes
    /// stall, while the host keeps sending large updates; returns whether <paramref name="metric"/> moved.
    /// </summary>
    private static async Task<bool> StallViewerUntilAsync(string metric, (string, string) sendTimeout)
    {
        await using var server = await RelayServer.StartAsync(
            ("CoalesceAboveBytes", "0"), sendTimeout, ("ShutdownCloseTimeoutSeconds", "0.5"),
            ("MessagesPerSecond", "100000"), ("MessageBurst", "100000"));
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        await using var host = await server.ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        using var stalled = new ClientWebSocket();
        stalled.Options.KeepAliveInterval = TimeSpan.Zero;
        stalled.Options.SetBuffer(1024, 1024);
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await stalled.ConnectAsync(server.WebSocketUri, cts.Token);
            await stalled.SendAsync(Encoding.UTF8.GetBytes($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}"}"""), WebSocketMessageType.Text, true, cts.Token);
        }
        await host.ExpectAsync("PEER_JOINED");

        var update = Encoding.UTF8.GetBytes("""{"type":"VIEW_CUSTOMER","payload":{"blob":""" + "\"" + new string('x', 256 * 1024) + "\"}}");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                for (var i = 0; i < 20; i++)
                {
                    await host.SendBytesAsync(update, WebSocketMessageType.Text);
                }
                if (Value(await http.GetStringAsync("/metrics"), metric) > 0)
                {
                    return true;
                }
                await Task.Delay(50);
            }
            return false;
        }
        finally
        {
            stalled.Abort();
        }
    }

    private static double Value(string scrape, string name)
    {
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith(name + "{", StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf('}') + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }
}
