using System.Text.Json;
using SfaMirror.Server.Tests.Infrastructure;
using SfaMirror.Server.Transport;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>
/// docs/protocol.md, "Delivery": per-sender order, latest-state coalescing for a member that is behind, the
/// queue limit (1013), and that one slow member never delays the others. The slow member is a
/// <see cref="RawWebSocket"/> that stops reading, so the server's writes to it really back up.
/// </summary>
public abstract class DeliveryTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : DeliveryTests(StoreKind.Memory);

    public sealed class OnRedis() : DeliveryTests(StoreKind.Redis);

    private static readonly string Padding = new('x', 60 * 1024);

    private static (string, string)[] Fast(params (string, string)[] more) =>
        [("MessagesPerSecond", "100000"), ("MessageBurst", "100000"), .. more];

    /// <summary>The largest outbound queue on the server: the paused member's.</summary>
    private static long MaxQueuedBytes(RelayServer server) =>
        server.GetService<ConnectionTracker>().Snapshot().Select(c => c.QueuedBytes).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Sends big customer updates until the paused member's queue holds more than <paramref name="bytes"/> and keeps
    /// holding it: the socket has stopped taking frames. Returns how many were sent. A queue just past the mark is
    /// not enough, as the socket may still be taking the frames the send loop holds; the queue can then be back
    /// under the mark by the time the next updates reach it (later with Redis, which delivers each update after a
    /// round trip), and none of them is coalesced.
    /// </summary>
    private static async Task<int> FillQueueAsync(RelayServer server, TestClient sender, long bytes)
    {
        for (var i = 1; i <= 2000; i++)
        {
            await sender.SendTextAsync($$$$"""{"type":"VIEW_CUSTOMER","payload":{"i":{{{{i}}}},"pad":"{{{{Padding}}}}"}}""");
            if (i % 4 == 0)
            {
                // Let the server take the frames in before looking at the queue.
                await sender.SendTextAsync($$"""{"type":"PING","requestId":{{i}}}""");
                await sender.SkipUntilAsync("PONG", m => m.GetProperty("requestId").GetInt32() == i);
                if (await StaysAboveAsync(server, bytes))
                {
                    return i;
                }
            }
        }
        throw new InvalidOperationException("The paused member's queue never backed up");
    }

    /// <summary>Whether the paused member's queue holds more than <paramref name="bytes"/> now and throughout the next 200 ms.</summary>
    private static async Task<bool> StaysAboveAsync(RelayServer server, long bytes)
    {
        for (var look = 0; look <= 10; look++)
        {
            if (MaxQueuedBytes(server) <= bytes)
            {
                return false;
            }
            await Task.Delay(20);
        }
        return true;
    }

    private static async Task<RawWebSocket> JoinPausedAsync(RelayServer server, string code, TestClient host)
    {
        var paused = await server.ConnectRawAsync(receiveBufferBytes: 4096);
        await paused.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}"}""");
        await host.ExpectAsync("PEER_JOINED");
        return paused;
    }

    [Fact]
    public async Task Every_member_sees_one_senders_updates_in_the_order_sent()
    {
        await using var server = await StartRelayAsync(Fast());
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        for (var i = 1; i <= 150; i++)
        {
            var type = i % 2 == 0 ? "VIEW_PRODUCT" : "VIEW_CUSTOMER";
            await host.SendTextAsync($$$"""{"type":"{{{type}}}","payload":{{{i}}}}""");
        }

        for (var i = 1; i <= 150; i++)
        {
            var update = await viewer.ReceiveAsync();
            Assert.Equal(i, update.GetProperty("payload").GetInt32());
            Assert.Equal(i, update.GetProperty("seq").GetInt64());
        }
    }

    [Fact]
    public async Task Updates_of_two_senders_each_arrive_in_their_senders_order()
    {
        await using var server = await StartRelayAsync(Fast());
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var a = await server.JoinViewerAsync(code, host);
        await using var watcher = await server.JoinViewerAsync(code, host, a);
        await a.ExpectNothingAsync(TimeSpan.FromMilliseconds(50));
        await host.ExpectNothingAsync(TimeSpan.FromMilliseconds(50));

        await Task.WhenAll(
            Task.Run(async () => { for (var i = 1; i <= 100; i++) await host.SendTextAsync($$$$"""{"type":"VIEW_CUSTOMER","payload":{"from":"h","i":{{{{i}}}}}}"""); }),
            Task.Run(async () => { for (var i = 1; i <= 100; i++) await a.SendTextAsync($$$$"""{"type":"VIEW_PRODUCT","payload":{"from":"a","i":{{{{i}}}}}}"""); }));

        var last = new Dictionary<string, int> { ["h"] = 0, ["a"] = 0 };
        for (var n = 0; n < 200; n++)
        {
            var payload = (await watcher.ReceiveAsync()).GetProperty("payload");
            var from = payload.GetProperty("from").GetString()!;
            Assert.Equal(last[from] + 1, payload.GetProperty("i").GetInt32());
            last[from]++;
        }
        Assert.Equal(100, last["h"]);
        Assert.Equal(100, last["a"]);
    }

    [Fact]
    public async Task Member_that_keeps_up_gets_every_update_of_a_burst()
    {
        await using var server = await StartRelayAsync(Fast(("CoalesceAboveBytes", "4096")));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        for (var i = 1; i <= 100; i++)
        {
            await host.SendTextAsync($$"""{"type":"VIEW_CUSTOMER","payload":{{i}}}""");
            await viewer.ExpectAsync("VIEW_CUSTOMER");
        }

        await viewer.ExpectNothingAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Member_whose_socket_takes_an_update_only_in_part_gets_every_update_whole_and_in_order()
    {
        // No coalescing: every 60 KiB update must arrive. A member that does not read lets the socket take only
        // part of one, so the rest waits in the queue, ahead of the updates that follow it.
        await using var server = await StartRelayAsync(Fast(("CoalesceAboveBytes", "134217728"), ("MaxQueuedBytes", "268435456")));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var paused = await JoinPausedAsync(server, code, host);
        // Updates until what the socket has not taken waits in the member's queue, then a few more behind it.
        var updates = await FillQueueAsync(server, host, 0);
        for (var i = updates + 1; i <= updates + 5; i++)
        {
            await host.SendTextAsync($$$$"""{"type":"VIEW_CUSTOMER","payload":{"i":{{{{i}}}},"pad":"{{{{Padding}}}}"}}""");
        }
        updates += 5;

        for (var i = 1; i <= updates; i++)
        {
            JsonElement update;
            do
            {
                update = await paused.ReadMessageAsync() ?? throw new InvalidOperationException("Closed while draining");
            }
            while (update.GetProperty("type").GetString() != "VIEW_CUSTOMER"); // its SESSION_JOINED first
            Assert.Equal(i, update.GetProperty("payload").GetProperty("i").GetInt32());
            Assert.Equal(Padding, update.GetProperty("payload").GetProperty("pad").GetString());
        }
    }

    [Fact]
    public async Task Paused_member_gets_its_queue_coalesced_and_still_ends_on_the_latest_state()
    {
        await using var server = await StartRelayAsync(Fast(("CoalesceAboveBytes", "65536"), ("MaxQueuedBytes", "268435456")));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var paused = await JoinPausedAsync(server, code, host);
        var sent = await FillQueueAsync(server, host, 65536);
        for (var i = sent + 1; i <= sent + 50; i++)
        {
            await host.SendTextAsync($$$$"""{"type":"VIEW_CUSTOMER","payload":{"i":{{{{i}}}},"final":{{{{(i == sent + 50 ? "true" : "false")}}}}}}""");
        }
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"sku":"last"},"requestId":"done"}""");
        await host.SkipUntilAsync("ACK");
        var total = sent + 51;

        var received = new List<JsonElement>();
        while (received.Count == 0 || received[^1].GetProperty("type").GetString() != "VIEW_PRODUCT")
        {
            var message = await paused.ReadMessageAsync() ?? throw new InvalidOperationException("Closed while draining");
            if (message.GetProperty("type").GetString() is "VIEW_CUSTOMER" or "VIEW_PRODUCT")
            {
                received.Add(message);
            }
        }

        Assert.True(received.Count < total, $"Expected coalescing but all {total} updates arrived");
        var seqs = received.Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.OrderBy(s => s), seqs);
        var lastCustomer = received.Last(m => m.GetProperty("type").GetString() == "VIEW_CUSTOMER");
        Assert.Equal(sent + 50, lastCustomer.GetProperty("payload").GetProperty("i").GetInt32());
        Assert.True(lastCustomer.GetProperty("payload").GetProperty("final").GetBoolean());
        Assert.Equal("""{"sku":"last"}""", received[^1].GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Slow_member_never_delays_the_others()
    {
        await using var server = await StartRelayAsync(Fast(("CoalesceAboveBytes", "65536"), ("MaxQueuedBytes", "268435456")));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var fast = await server.JoinViewerAsync(code, host);
        await using var paused = await JoinPausedAsync(server, code, host);
        await fast.ExpectAsync("PEER_JOINED");
        // The paused member has read nothing and its server-side queue is past the coalescing threshold.
        await FillQueueAsync(server, host, 65536);

        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":"now","requestId":1}""");

        Assert.Equal(2, (await host.SkipUntilAsync("ACK")).GetProperty("payload").GetProperty("delivered").GetInt32());
        var now = await fast.SkipUntilAsync("VIEW_PRODUCT", timeout: TimeSpan.FromSeconds(1));
        Assert.Equal("\"now\"", now.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Member_that_reads_sees_increasing_seqs_ending_on_the_latest_while_another_is_paused()
    {
        await using var server = await StartRelayAsync(Fast(("CoalesceAboveBytes", "65536"), ("MaxQueuedBytes", "268435456")));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var fast = await server.JoinViewerAsync(code, host);
        await using var paused = await JoinPausedAsync(server, code, host);
        await fast.ExpectAsync("PEER_JOINED");

        var sent = await FillQueueAsync(server, host, 65536);

        long previous = 0;
        while (true)
        {
            var update = await fast.ExpectAsync("VIEW_CUSTOMER");
            var seq = update.GetProperty("seq").GetInt64();
            Assert.True(seq > previous, $"seq {seq} after {previous}");
            previous = seq;
            if (update.GetProperty("payload").GetProperty("i").GetInt32() == sent)
            {
                break;
            }
        }
    }

    [Fact]
    public async Task Messages_with_a_requestId_and_other_types_are_never_dropped_for_a_paused_member()
    {
        await using var server = await StartRelayAsync(Fast(("CoalesceAboveBytes", "65536"), ("MaxQueuedBytes", "268435456")));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var paused = await JoinPausedAsync(server, code, host);
        await FillQueueAsync(server, host, 65536);
        // Replies to the paused member's own requests queue behind the updates and must all arrive.
        for (var i = 0; i < 5; i++)
        {
            await paused.SendTextAsync($$"""{"type":"REQUEST_CUSTOMER_UPDATE","requestId":"q{{i}}"}""");
        }
        await using var other = await server.JoinViewerAsync(code, host);

        var replies = new List<string>();
        var peerJoined = false;
        while (replies.Count < 5 || !peerJoined)
        {
            var message = await paused.ReadMessageAsync() ?? throw new InvalidOperationException("Closed while draining");
            if (message.TryGetProperty("requestId", out var id))
            {
                replies.Add(id.GetString()!);
            }
            peerJoined |= message.GetProperty("type").GetString() == "PEER_JOINED";
        }

        Assert.Equal(["q0", "q1", "q2", "q3", "q4"], replies);
    }

    /// <summary>
    /// Sends far more than the socket buffers between server and paused member can hold (about 9 MiB),
    /// so its queue passes the 256 KiB limit; then reads what reached the member, up to the close frame.
    /// </summary>
    private static async Task OverflowAsync(TestClient host, RawWebSocket paused)
    {
        for (var i = 1; i <= 150; i++)
        {
            await host.SendTextAsync($$$$"""{"type":"VIEW_CUSTOMER","payload":{"i":{{{{i}}}},"pad":"{{{{Padding}}}}"}}""");
        }
        await host.SendTextAsync("""{"type":"PING","requestId":"sync"}""");
        await host.SkipUntilAsync("PONG");
        while (await paused.ReadMessageAsync() is not null)
        {
        }
        await paused.SendFrameAsync(RawWebSocket.Close, [0x03, 0xE8]);
    }

    private static readonly (string, string)[] OverflowSettings =
        // Coalescing starts only one byte below the limit, so the queue overflows instead.
        Fast(("CoalesceAboveBytes", "262143"), ("MaxQueuedBytes", "262144"));

    [Fact]
    public async Task Member_over_MaxQueuedBytes_is_closed_with_1013()
    {
        await using var server = await StartRelayAsync(OverflowSettings);
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var paused = await JoinPausedAsync(server, code, host);

        await OverflowAsync(host, paused);

        Assert.Equal(1013, paused.CloseStatus);
    }

    [Fact]
    public async Task Member_closed_with_1013_is_seen_by_others_as_PEER_LEFT_disconnected()
    {
        await using var server = await StartRelayAsync(OverflowSettings);
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var paused = await JoinPausedAsync(server, code, host);

        await OverflowAsync(host, paused);

        var left = await host.SkipUntilAsync("PEER_LEFT");
        Assert.Equal("viewer", left.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Member_closed_with_1013_can_rejoin_and_gets_the_latest_state()
    {
        await using var server = await StartRelayAsync(OverflowSettings);
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var paused = await JoinPausedAsync(server, code, host);
        await OverflowAsync(host, paused);
        await host.SkipUntilAsync("PEER_LEFT");
        await using var again = await server.ConnectAsync();

        await again.JoinAsync(code);

        Assert.Equal(150, (await again.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetProperty("i").GetInt32());
    }

    [Fact]
    public async Task Member_whose_socket_accepts_no_write_for_SendTimeoutSeconds_is_dropped()
    {
        // No coalescing, so that every frame must be written and the socket really fills up.
        await using var server = await StartRelayAsync(Fast(("CoalesceAboveBytes", "268435455"), ("MaxQueuedBytes", "268435456"), ("SendTimeoutSeconds", "0.5")));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var paused = await JoinPausedAsync(server, code, host);

        // About 9 MiB, far more than the socket buffers hold: the server's writes to the paused member stall.
        for (var i = 1; i <= 150; i++)
        {
            await host.SendTextAsync($$$$"""{"type":"VIEW_CUSTOMER","payload":{"i":{{{{i}}}},"pad":"{{{{Padding}}}}"}}""");
        }

        var left = await host.ExpectAsync("PEER_LEFT", TimeSpan.FromSeconds(4));
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
        Assert.True(await paused.IsDisconnectedAsync(TimeSpan.FromSeconds(3)));
    }
}
