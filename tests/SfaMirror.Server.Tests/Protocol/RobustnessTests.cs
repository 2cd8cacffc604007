using System.Net.WebSockets;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>
/// Bad input and bad peers: after each, the server still serves other clients and no session lost its state.
/// Each test sets up a bystander session with state, lets one connection misbehave, then checks both.
/// </summary>
public abstract class RobustnessTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : RobustnessTests(StoreKind.Memory);

    public sealed class OnRedis() : RobustnessTests(StoreKind.Redis);

    private sealed record Bystanders(TestClient Host, TestClient Viewer, string Code) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Viewer.DisposeAsync();
        }
    }

    private static async Task<Bystanders> BystandersAsync(RelayServer server)
    {
        var (host, code, _) = await server.HostSessionAsync();
        var viewer = await server.JoinViewerAsync(code, host);
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":"safe"}}""");
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"sku":"safe"}}""");
        await viewer.ExpectAsync("VIEW_CUSTOMER");
        await viewer.ExpectAsync("VIEW_PRODUCT");
        return new Bystanders(host, viewer, code);
    }

    /// <summary>The bystander session still relays, still holds its state, and a new client can still use the server.</summary>
    private static async Task AssertStillServingAsync(RelayServer server, Bystanders b)
    {
        await b.Host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"sku":"after"},"requestId":"chk"}""");
        Assert.Equal(1, (await b.Host.SkipUntilAsync("ACK")).GetProperty("payload").GetProperty("delivered").GetInt32());
        Assert.Equal("""{"sku":"after"}""", (await b.Viewer.SkipUntilAsync("VIEW_PRODUCT")).GetProperty("payload").GetRawText());
        await using var newcomer = await server.ConnectAsync();
        await newcomer.JoinAsync(b.Code);
        Assert.Equal("""{"id":"safe"}""", (await newcomer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
        Assert.Equal("""{"sku":"after"}""", (await newcomer.ExpectAsync("VIEW_PRODUCT")).GetProperty("payload").GetRawText());
        await using var creator = await server.ConnectAsync();
        await creator.CreateSessionAsync();
    }

    [Theory]
    [InlineData("{{{{")]
    [InlineData("\u0000\u0001")]
    [InlineData("{\"type\":\"VIEW_CUSTOMER\",\"payload\":{\"a\":1,}}")]
    [InlineData("{\"type\":\"VIEW_CUSTOMER\",\"payload\":NaN}")]
    public async Task Non_json_from_a_member_changes_nothing(string frame)
    {
        await using var server = await StartRelayAsync();
        await using var b = await BystandersAsync(server);

        await b.Viewer.SendTextAsync(frame);

        await b.Viewer.ExpectErrorAsync("INVALID_JSON");
        await b.Host.ExpectNothingAsync();
        await AssertStillServingAsync(server, b);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"VIEW_CUSTOMER\"")]
    [InlineData("3.14")]
    public async Task Non_object_json_from_a_member_changes_nothing(string frame)
    {
        await using var server = await StartRelayAsync();
        await using var b = await BystandersAsync(server);

        await b.Viewer.SendTextAsync(frame);

        await b.Viewer.ExpectErrorAsync("INVALID_MESSAGE");
        await AssertStillServingAsync(server, b);
    }

    [Theory]
    [InlineData("""{"type":"VIEW_CUSTOMER","sessionId":123456,"payload":{"id":"evil"}}""")]
    [InlineData("""{"type":"VIEW_CUSTOMER","requestId":{"a":1},"payload":{"id":"evil"}}""")]
    [InlineData("""{"type":"VIEW_CUSTOMER","requestId":true,"payload":{"id":"evil"}}""")]
    [InlineData("""{"type":"END_SESSION","sessionId":["X"]}""")]
    [InlineData("""{"type":["VIEW_CUSTOMER"],"payload":{"id":"evil"}}""")]
    public async Task Wrong_field_types_from_the_host_are_refused_and_nothing_is_stored(string frame)
    {
        await using var server = await StartRelayAsync();
        await using var b = await BystandersAsync(server);

        await b.Host.SendTextAsync(frame);

        await b.Host.ExpectErrorAsync("INVALID_MESSAGE");
        await b.Viewer.ExpectNothingAsync();
        await AssertStillServingAsync(server, b);
    }

    [Fact]
    public async Task Unknown_type_from_a_member_changes_nothing()
    {
        await using var server = await StartRelayAsync();
        await using var b = await BystandersAsync(server);

        await b.Viewer.SendTextAsync("""{"type":"DELETE_EVERYTHING","payload":{"id":"evil"}}""");

        await b.Viewer.ExpectErrorAsync("UNKNOWN_TYPE");
        await b.Host.ExpectNothingAsync();
        await AssertStillServingAsync(server, b);
    }

    [Fact]
    public async Task Socket_cut_mid_frame_is_seen_as_PEER_LEFT_disconnected_and_changes_nothing_else()
    {
        await using var server = await StartRelayAsync();
        await using var b = await BystandersAsync(server);
        await using var raw = await server.ConnectRawAsync();
        await raw.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{b.Code}}"}""");
        await b.Host.ExpectAsync("PEER_JOINED");
        await b.Viewer.ExpectAsync("PEER_JOINED");

        await raw.SendTruncatedFrameAsync(announcedLength: 500, sent: 20);
        raw.Cut();

        var left = await b.Host.ExpectAsync("PEER_LEFT");
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Equal(2, left.GetProperty("payload").GetProperty("members").GetInt32());
        await b.Viewer.ExpectAsync("PEER_LEFT");
        await AssertStillServingAsync(server, b);
    }

    [Fact]
    public async Task Socket_cut_mid_handshake_changes_nothing()
    {
        await using var server = await StartRelayAsync();
        await using var b = await BystandersAsync(server);
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            await tcp.ConnectAsync(server.WebSocketUri.Host, server.WebSocketUri.Port);
            await tcp.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websock"u8.ToArray());
        }

        await AssertStillServingAsync(server, b);
    }

    [Fact]
    public async Task Flood_from_one_connection_closes_it_with_1008_and_others_are_served()
    {
        await using var server = await StartRelayAsync(("RateLimitStrikes", "200"));
        await using var b = await BystandersAsync(server);
        await using var flooder = await server.ConnectAsync();
        await flooder.JoinAsync(b.Code);

        try
        {
            for (var i = 0; i < 5000 && flooder.Socket.State == WebSocketState.Open; i++)
            {
                await flooder.SendTextAsync($$$$"""{"type":"PING","payload":{"flood":{{{{i}}}}}}""");
            }
        }
        catch (WebSocketException)
        {
            // The server closed the connection while it was still sending: what this test expects.
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await flooder.WaitClosedAsync());
        var left = await b.Host.SkipUntilAsync("PEER_LEFT");
        Assert.Equal("disconnected", left.GetProperty("payload").GetProperty("reason").GetString());
        await AssertStillServingAsync(server, b);
    }

    [Fact]
    public async Task Flood_of_garbage_from_many_connections_leaves_sessions_intact()
    {
        await using var server = await StartRelayAsync();
        await using var b = await BystandersAsync(server);
        var attackers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => server.ConnectAsync()));
        try
        {
            await Task.WhenAll(attackers.Select(a => Task.Run(async () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    await a.SendTextAsync((i % 5) switch
                    {
                        0 => "garbage",
                        1 => $$$$"""{"type":"VIEW_CUSTOMER","sessionId":"{{{{b.Code}}}}","payload":{"id":"evil"}}""",
                        2 => $$"""{"type":"END_SESSION","sessionId":"{{b.Code}}"}""",
                        3 => $$"""{"type":"LEAVE_SESSION","sessionId":"{{b.Code}}"}""",
                        _ => """{"type":"REQUEST_CUSTOMER_UPDATE","sessionId":"ABCDEF"}""",
                    });
                }
            })));

            await b.Host.ExpectNothingAsync();
            await b.Viewer.ExpectNothingAsync();
            await AssertStillServingAsync(server, b);
        }
        finally
        {
            await Task.WhenAll(attackers.Select(a => a.DisposeAsync().AsTask()));
        }
    }
}
