using SfaMirror.Client.Events;
using SfaMirror.Client.Tests.Infrastructure;

namespace SfaMirror.Client.Tests;

/// <summary>What the client does with answers the real relay never gives: silence, reordering, garbage, old state.</summary>
public sealed class ScriptedServerTests
{
    [Fact]
    public async Task Request_without_a_reply_times_out()
    {
        await using var server = await ScriptedServer.StartAsync();
        await using var client = await Clients.ConnectAsync(server.Uri, o => o.RequestTimeout = TimeSpan.FromSeconds(2));
        var connection = await server.AcceptAsync();

        var error = await Assert.ThrowsAsync<MirrorException>(() => client.PingAsync().Within());

        Assert.Equal(MirrorErrorCodes.Timeout, error.Code);
        await connection.ExpectAsync("PING");
    }

    [Fact]
    public async Task Replies_are_matched_by_request_id_not_by_order()
    {
        await using var server = await ScriptedServer.StartAsync();
        await using var client = await Clients.ConnectAsync(server.Uri);
        var connection = await server.AcceptAsync();
        var customer = client.SendCustomerAsync(new { name = "Ada" });
        var product = client.SendProductAsync(new { sku = "X-1" });
        var first = await connection.ReceiveAsync();
        var second = await connection.ReceiveAsync();
        var (customerRequest, productRequest) = first.GetProperty("type").GetString() == "VIEW_CUSTOMER" ? (first, second) : (second, first);

        await connection.SendAsync($$$"""{"type":"ACK","requestId":"{{{productRequest.GetProperty("requestId").GetString()}}}","payload":{"delivered":7}}""");
        await connection.SendAsync($$$"""{"type":"ACK","requestId":"{{{customerRequest.GetProperty("requestId").GetString()}}}","payload":{"delivered":3}}""");

        Assert.Equal(3, await customer.Within());
        Assert.Equal(7, await product.Within());
    }

    [Fact]
    public async Task Error_carrying_the_request_id_fails_that_request_with_the_servers_code()
    {
        await using var server = await ScriptedServer.StartAsync();
        await using var client = await Clients.ConnectAsync(server.Uri);
        var connection = await server.AcceptAsync();
        var join = client.JoinSessionAsync("ABCDEF");
        var request = await connection.ExpectAsync("JOIN_SESSION");

        await connection.SendAsync($$$"""{"type":"ERROR","requestId":"{{{request.GetProperty("requestId").GetString()}}}","payload":{"code":"SESSION_FULL","message":"Session is full"}}""");

        var error = await Assert.ThrowsAsync<MirrorException>(() => join.Within());
        Assert.Equal("SESSION_FULL", error.Code);
        Assert.Equal("Session is full", error.Message);
    }

    [Fact]
    public async Task Malformed_server_messages_raise_errors_and_the_loop_goes_on()
    {
        await using var server = await ScriptedServer.StartAsync();
        await using var client = await Clients.ConnectAsync(server.Uri);
        var connection = await server.AcceptAsync();
        var errors = new List<MirrorException>();
        client.Error += (_, e) => { lock (errors) { errors.Add(e); } };
        var customer = Waits.Next<StateUpdatedEvent>(h => client.CustomerChanged += h);

        await connection.SendAsync("not json");
        await connection.SendAsync("[1,2]");
        await connection.SendAsync("""{"type":42}""");
        await connection.SendAsync("""{"type":"PEER_JOINED","sessionId":"ABCDEF","payload":{"role":"viewer","members":"many"}}""");
        await connection.SendAsync("""{"type":"VIEW_CUSTOMER","sessionId":"ABCDEF","seq":"one","payload":{}}""");
        await connection.SendAsync("""{"type":"VIEW_CUSTOMER","sessionId":"ABCDEF","seq":1,"payload":{"name":"Ada"}}""");

        Assert.Equal("Ada", (await customer.Within()).Payload.GetProperty("name").GetString());
        lock (errors)
        {
            Assert.Equal(5, errors.Count);
            Assert.All(errors, e => Assert.Equal(MirrorErrorCodes.MalformedMessage, e.Code));
        }
        Assert.Equal(ConnectionState.Open, client.State);
    }

    [Fact]
    public async Task State_older_than_what_was_seen_is_dropped_and_the_same_seq_is_shown_again()
    {
        await using var server = await ScriptedServer.StartAsync();
        await using var client = await Clients.ConnectAsync(server.Uri);
        var connection = await server.AcceptAsync();
        var seen = new List<long?>();
        client.CustomerChanged += (_, e) => { lock (seen) { seen.Add(e.Seq); } };
        var last = Waits.Next<StateUpdatedEvent>(h => client.CustomerChanged += h, e => e.Seq == 6);

        await connection.SendAsync("""{"type":"VIEW_CUSTOMER","sessionId":"ABCDEF","seq":5,"payload":{"v":5}}""");
        await connection.SendAsync("""{"type":"VIEW_CUSTOMER","sessionId":"ABCDEF","seq":3,"payload":{"v":3}}""");
        await connection.SendAsync("""{"type":"VIEW_CUSTOMER","sessionId":"ABCDEF","seq":5,"payload":{"v":5}}""");
        await connection.SendAsync("""{"type":"VIEW_CUSTOMER","sessionId":"ABCDEF","seq":6,"payload":{"v":6}}""");

        await last.Within();
        lock (seen)
        {
            Assert.Equal([5L, 5L, 6L], seen);
        }
    }

    [Fact]
    public async Task Throwing_handler_is_reported_as_an_error_and_the_loop_goes_on()
    {
        await using var server = await ScriptedServer.StartAsync();
        await using var client = await Clients.ConnectAsync(server.Uri);
        var connection = await server.AcceptAsync();
        client.PeerJoined += (_, _) => throw new InvalidOperationException("app bug");
        var error = Waits.Next<MirrorException>(h => client.Error += h);
        var left = Waits.Next<PeerLeftEvent>(h => client.PeerLeft += h);

        await connection.SendAsync("""{"type":"PEER_JOINED","sessionId":"ABCDEF","payload":{"role":"viewer","members":2}}""");
        await connection.SendAsync("""{"type":"PEER_LEFT","sessionId":"ABCDEF","payload":{"role":"viewer","members":1,"reason":"left"}}""");

        var reported = await error.Within();
        Assert.Equal(MirrorErrorCodes.ListenerError, reported.Code);
        Assert.IsType<InvalidOperationException>(reported.InnerException);
        Assert.Equal(1, (await left.Within()).Members);
    }

    [Fact]
    public async Task Unanswered_heartbeat_drops_the_connection_and_reconnects()
    {
        await using var server = await ScriptedServer.StartAsync();
        await using var client = await Clients.ConnectAsync(server.Uri, o =>
        {
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
            o.RequestTimeout = TimeSpan.FromSeconds(2);
        });
        var first = await server.AcceptAsync();
        var reconnecting = Waits.Next<ConnectionState>(h => client.StateChanged += h, s => s == ConnectionState.Reconnecting);

        await first.ExpectAsync("PING");

        await reconnecting.Within();
        await first.Closed.Within();
        await server.AcceptAsync();
    }

    [Fact]
    public async Task Late_reply_after_a_timeout_is_ignored()
    {
        await using var server = await ScriptedServer.StartAsync();
        await using var client = await Clients.ConnectAsync(server.Uri, o => o.RequestTimeout = TimeSpan.FromSeconds(2));
        var connection = await server.AcceptAsync();
        var errors = 0;
        client.Error += (_, _) => Interlocked.Increment(ref errors);
        await Assert.ThrowsAsync<MirrorException>(() => client.PingAsync().Within());
        var ping = await connection.ExpectAsync("PING");

        await connection.SendAsync($$$"""{"type":"PONG","requestId":"{{{ping.GetProperty("requestId").GetString()}}}"}""");
        var next = client.PingAsync();
        var again = await connection.ExpectAsync("PING");
        await connection.SendAsync($$$"""{"type":"PONG","requestId":"{{{again.GetProperty("requestId").GetString()}}}"}""");

        await next.Within();
        Assert.Equal(0, Volatile.Read(ref errors));
    }
}
