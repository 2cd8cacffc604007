using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "Connecting": server ping frames, the keep-alive timeout, and <c>PING</c> / <c>PONG</c> messages.</summary>
public abstract class KeepAliveTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : KeepAliveTests(StoreKind.Memory);

    public sealed class OnRedis() : KeepAliveTests(StoreKind.Redis);

    [Fact]
    public async Task Server_sends_websocket_ping_frames()
    {
        await using var server = await StartRelayAsync(("KeepAliveIntervalSeconds", "0.1"), ("KeepAliveTimeoutSeconds", "5"));
        await using var raw = await server.ConnectRawAsync();

        var frame = await raw.ReadFrameAsync(TimeSpan.FromSeconds(2));

        Assert.NotNull(frame);
        Assert.Equal(RawWebSocket.Ping, frame.Value.Opcode);
    }

    [Fact]
    public async Task First_ping_comes_in_the_second_half_of_the_first_interval()
    {
        await using var server = await StartRelayAsync(("KeepAliveIntervalSeconds", "2"), ("KeepAliveTimeoutSeconds", "5"));
        await using var raw = await server.ConnectRawAsync();

        // Not at once (a client may still be reading the handshake's answer), but within the interval (plus a pass).
        await Assert.ThrowsAsync<TimeoutException>(() => raw.ReadFrameAsync(TimeSpan.FromSeconds(0.9)));
        var frame = await raw.ReadFrameAsync(TimeSpan.FromSeconds(2));

        Assert.Equal(RawWebSocket.Ping, frame?.Opcode);
    }

    [Fact]
    public async Task Peer_that_vanished_without_a_close_is_dropped_and_seen_as_PEER_LEFT_disconnected()
    {
        await using var server = await StartRelayAsync(("KeepAliveIntervalSeconds", "0.2"), ("KeepAliveTimeoutSeconds", "0.5"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var silent = await server.ConnectRawAsync();
        await silent.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}"}""");
        await host.ExpectAsync("PEER_JOINED");

        // From here the raw client reads nothing and answers no ping, like a phone whose network went away.
        var left = await host.ExpectAsync("PEER_LEFT", TimeSpan.FromSeconds(4));

        Assert.Equal("viewer", left.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Equal(1, left.GetProperty("payload").GetProperty("members").GetInt32());
    }

    [Fact]
    public async Task Peer_that_answers_pings_stays_connected_past_the_timeout()
    {
        // The timeout leaves room for a loaded machine; the wait spans several timeouts' worth of pings.
        await using var server = await StartRelayAsync(("KeepAliveIntervalSeconds", "0.1"), ("KeepAliveTimeoutSeconds", "0.8"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await Task.Delay(2000);

        await host.ExpectNothingAsync(TimeSpan.FromMilliseconds(50));
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":1,"requestId":1}""");
        Assert.Equal(1, (await host.ExpectAsync("ACK")).GetProperty("payload").GetProperty("delivered").GetInt32());
    }

    [Fact]
    public async Task PING_with_a_payload_gets_PONG_with_the_same_payload()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"PING","payload":{"t": 1700000000000.0, "k":[true,null]}}""");

        var pong = await client.ExpectAsync("PONG");
        Assert.Equal("""{"t": 1700000000000.0, "k":[true,null]}""", pong.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task PING_without_a_payload_gets_PONG_without_one()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"PING"}""");

        var pong = await client.ExpectAsync("PONG");
        Assert.False(pong.TryGetProperty("payload", out _));
    }

    [Fact]
    public async Task PING_with_a_null_payload_gets_PONG_with_payload_null()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"PING","payload":null}""");

        Assert.Equal("null", (await client.ExpectAsync("PONG")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task PING_works_inside_a_session_and_nobody_else_sees_it()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendTextAsync($$"""{"type":"PING","sessionId":"{{code}}"}""");

        await viewer.ExpectAsync("PONG");
        await host.ExpectNothingAsync();
    }
}
