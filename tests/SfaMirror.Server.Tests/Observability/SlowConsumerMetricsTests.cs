using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Observability;

public sealed class SlowConsumerMetricsTests
{
    [Fact]
    public async Task Viewer_that_stops_reading_moves_the_coalesced_and_slow_consumer_metrics()
    {
        await using var server = await RelayServer.StartAsync(
            ("CoalesceAboveBytes", "0"), ("SendTimeoutSeconds", "0.5"),
            ("MessagesPerSecond", "100000"), ("MessageBurst", "100000"));
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        await using var host = await server.ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        // A raw socket that joins and then never reads again: its TCP buffers fill and the relay's writes stall.
        using var stalled = new ClientWebSocket();
        stalled.Options.KeepAliveInterval = TimeSpan.Zero;
        stalled.Options.SetBuffer(1024, 1024);
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await stalled.ConnectAsync(server.WebSocketUri, cts.Token);
            await stalled.SendAsync(Encoding.UTF8.GetBytes($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}"}"""), WebSocketMessageType.Text, true, cts.Token);
        }
        await host.ExpectAsync("PEER_JOINED");

        var update = Encoding.UTF8.GetBytes("""{"type":"VIEW_CUSTOMER","payload":{"blob":""" + "\"" + new string('x', 64 * 1024) + "\"}}");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        double coalesced = 0, closes = 0;
        while ((coalesced == 0 || closes == 0) && DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < 20; i++)
            {
                await host.SendBytesAsync(update, WebSocketMessageType.Text);
            }
            var scrape = await http.GetStringAsync("/metrics");
            coalesced = Value(scrape, "relay_updates_coalesced_total");
            closes = Value(scrape, "relay_slow_consumer_closes_total");
            await Task.Delay(100);
        }

        Assert.True(coalesced > 0, "relay_updates_coalesced_total did not move");
        Assert.True(closes > 0, "relay_slow_consumer_closes_total did not move");
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
