using System.Text.Json;
using SfaMirror.Client.Events;
using SfaMirror.Client.Tests.Infrastructure;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Client.Tests;

/// <summary>The client against the real relay: sessions, relaying both ways, late joins, errors.</summary>
public sealed class SessionTests
{
    [Fact]
    public async Task Created_session_has_a_code_and_a_resume_token()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();

        var created = await host.CreateSessionAsync().Within();

        Assert.Matches("^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$", created.SessionId);
        Assert.False(string.IsNullOrEmpty(created.ResumeToken));
        Assert.Equal(created.SessionId, host.SessionId);
        Assert.Equal("host", host.Role);
    }

    [Fact]
    public async Task Viewer_joins_by_code_and_the_host_sees_it()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync().Within();
        var peerJoined = Waits.Next<PeerJoinedEvent>(h => host.PeerJoined += h);

        var joined = await viewer.JoinSessionAsync(created.SessionId.ToLowerInvariant()).Within();

        Assert.Equal(new SessionJoined(created.SessionId, "viewer", 2, joined.MemberId), joined);
        Assert.False(string.IsNullOrEmpty(joined.MemberId));
        Assert.NotEqual(created.MemberId, joined.MemberId);
        // The host learns the joiner's member id, the one the joiner was told.
        Assert.Equal(new PeerJoinedEvent(created.SessionId, "viewer", 2, joined.MemberId), await peerJoined.Within());
    }

    [Fact]
    public async Task Customer_sent_by_the_host_reaches_the_viewer_exactly_as_written()
    {
        await using var server = await RelayServer.StartAsync();
        var (host, viewer, code) = await StartSessionAsync(server);
        await using var _ = host;
        await using var __ = viewer;
        var changed = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);

        using var payload = JsonDocument.Parse("""{"id":123456789012345678901234567890,"name":"Ada"}""");
        var delivered = await host.SendCustomerAsync(payload.RootElement).Within();

        Assert.Equal(1, delivered);
        var update = await changed.Within();
        Assert.Equal(code, update.SessionId);
        Assert.Equal(StateKind.Customer, update.Kind);
        Assert.Equal(1, update.Seq);
        Assert.Equal("""{"id":123456789012345678901234567890,"name":"Ada"}""", update.Payload.GetRawText());
    }

    [Fact]
    public async Task Product_sent_by_the_viewer_reaches_the_host()
    {
        await using var server = await RelayServer.StartAsync();
        var (host, viewer, _) = await StartSessionAsync(server);
        await using var h1 = host;
        await using var v1 = viewer;
        var changed = Waits.Next<StateUpdatedEvent>(h => host.ProductChanged += h);

        var delivered = await viewer.SendProductAsync(new { sku = "X-1", price = 9.5 }).Within();

        Assert.Equal(1, delivered);
        var update = await changed.Within();
        Assert.Equal(StateKind.Product, update.Kind);
        Assert.Equal("X-1", update.Payload.GetProperty("sku").GetString());
    }

    [Fact]
    public async Task Viewer_joining_late_gets_current_customer_and_product()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync().Within();
        await host.SendCustomerAsync(new { name = "Ada" }).Within();
        await host.SendProductAsync(new { sku = "X-1" }).Within();
        await using var late = await server.ConnectClientAsync();
        var customer = Waits.Next<StateUpdatedEvent>(h => late.CustomerChanged += h);
        var product = Waits.Next<StateUpdatedEvent>(h => late.ProductChanged += h);

        await late.JoinSessionAsync(created.SessionId).Within();

        Assert.Equal("Ada", (await customer.Within()).Payload.GetProperty("name").GetString());
        Assert.Equal("X-1", (await product.Within()).Payload.GetProperty("sku").GetString());
    }

    [Fact]
    public async Task Requesting_state_returns_it_or_null_when_none_is_set()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await host.CreateSessionAsync().Within();
        await host.SendCustomerAsync(new { name = "Ada" }).Within();

        var customer = await host.RequestCustomerAsync().Within();
        var product = await host.RequestProductAsync().Within();

        Assert.Equal("Ada", customer!.Value.GetProperty("name").GetString());
        Assert.Null(product);
    }

    [Fact]
    public async Task Joining_an_unknown_code_fails_with_the_servers_code()
    {
        await using var server = await RelayServer.StartAsync();
        await using var client = await server.ConnectClientAsync();

        var error = await Assert.ThrowsAsync<MirrorException>(() => client.JoinSessionAsync("ZZZZZZ").Within());

        Assert.Equal("SESSION_NOT_FOUND", error.Code);
        Assert.Equal("Invalid session ID", error.Message);
        Assert.NotNull(error.RequestId);
        Assert.Null(client.SessionId);
    }

    [Fact]
    public async Task Viewer_ending_the_session_fails_with_not_host()
    {
        await using var server = await RelayServer.StartAsync();
        var (host, viewer, _) = await StartSessionAsync(server);
        await using var h1 = host;
        await using var v1 = viewer;

        var error = await Assert.ThrowsAsync<MirrorException>(() => viewer.EndSessionAsync().Within());

        Assert.Equal("NOT_HOST", error.Code);
    }

    [Fact]
    public async Task Host_ending_the_session_ends_it_for_the_viewer()
    {
        await using var server = await RelayServer.StartAsync();
        var (host, viewer, code) = await StartSessionAsync(server);
        await using var h1 = host;
        await using var v1 = viewer;
        var ended = Waits.Next<SessionEndedEvent>(h => viewer.SessionEnded += h);

        await host.EndSessionAsync().Within();

        Assert.Equal(new SessionEndedEvent(code, "ended_by_host"), await ended.Within());
        Assert.Null(viewer.SessionId);
        Assert.Null(host.SessionId);
    }

    [Fact]
    public async Task Viewer_leaving_is_seen_by_the_host()
    {
        await using var server = await RelayServer.StartAsync();
        var (host, viewer, code) = await StartSessionAsync(server);
        await using var h1 = host;
        await using var v1 = viewer;
        var left = Waits.Next<PeerLeftEvent>(h => host.PeerLeft += h);

        await viewer.LeaveSessionAsync().Within();

        var seen = await left.Within();
        Assert.Equal(new PeerLeftEvent(code, "viewer", 1, "left"), seen with { MemberId = null });
        Assert.False(string.IsNullOrEmpty(seen.MemberId));
        Assert.Null(viewer.SessionId);
    }

    [Fact]
    public async Task Ping_measures_a_round_trip()
    {
        await using var server = await RelayServer.StartAsync();
        await using var client = await server.ConnectClientAsync();

        var rtt = await client.PingAsync().Within();

        Assert.InRange(rtt, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Event_stream_yields_presence_and_state_in_order()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync().Within();
        using var cts = new CancellationTokenSource(Waits.Default);
        var events = host.ReadEventsAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var first = events.MoveNextAsync().AsTask();
        await using var viewer = await server.ConnectClientAsync();
        await viewer.JoinSessionAsync(created.SessionId).Within();

        await viewer.SendCustomerAsync(new { name = "Ada" }).Within();

        Assert.True(await first.Within());
        Assert.IsType<PeerJoinedEvent>(events.Current);
        Assert.True(await events.MoveNextAsync().AsTask().Within());
        Assert.Equal(StateKind.Customer, Assert.IsType<StateUpdatedEvent>(events.Current).Kind);
        await events.DisposeAsync();
    }

    [Fact]
    public async Task Event_stream_ends_when_the_client_is_disposed()
    {
        await using var server = await RelayServer.StartAsync();
        var client = await server.ConnectClientAsync();
        var events = client.ReadEventsAsync().GetAsyncEnumerator();
        var next = events.MoveNextAsync().AsTask();

        await client.DisposeAsync().AsTask().Within();

        Assert.False(await next.Within());
        Assert.Equal(ConnectionState.Closed, client.State);
    }

    [Fact]
    public async Task Sending_outside_a_session_fails_with_the_servers_code()
    {
        await using var server = await RelayServer.StartAsync();
        await using var client = await server.ConnectClientAsync();

        var error = await Assert.ThrowsAsync<MirrorException>(() => client.SendCustomerAsync(new { name = "Ada" }).Within());

        Assert.Equal("SESSION_ID_REQUIRED", error.Code);
    }

    [Fact]
    public async Task Connecting_to_nothing_fails_with_connect_failed()
    {
        await using var client = new MirrorClient(Clients.Options(new Uri("ws://127.0.0.1:9/")));

        var error = await Assert.ThrowsAsync<MirrorException>(() => client.ConnectAsync().Within());

        Assert.Equal(MirrorErrorCodes.ConnectFailed, error.Code);
        Assert.Equal(ConnectionState.Closed, client.State);
    }

    private static async Task<(MirrorClient Host, MirrorClient Viewer, string Code)> StartSessionAsync(RelayServer server)
    {
        var host = await server.ConnectClientAsync();
        var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync().Within();
        var peerJoined = Waits.Next<PeerJoinedEvent>(h => host.PeerJoined += h);
        await viewer.JoinSessionAsync(created.SessionId).Within();
        await peerJoined.Within();
        return (host, viewer, created.SessionId);
    }
}
