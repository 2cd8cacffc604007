using SfaMirror.Client.Events;
using SfaMirror.Client.Tests.Infrastructure;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Client.Tests;

/// <summary>Connections cut the way networks cut them (through a proxy), against the real relay.</summary>
public sealed class ReconnectTests
{
    [Fact]
    public async Task Host_cut_off_reconnects_and_resumes_as_host()
    {
        await using var server = await RelayServer.StartAsync();
        await using var proxy = new TcpProxy(server.WebSocketUri);
        await using var host = await Clients.ConnectAsync(proxy.Uri);
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync().Within();
        await viewer.JoinSessionAsync(created.SessionId).Within();
        var hostBack = Waits.Next<PeerJoinedEvent>(h => viewer.PeerJoined += h, e => e.Role == "host");
        var open = Waits.Next<ConnectionState>(h => host.StateChanged += h, s => s == ConnectionState.Open);

        proxy.CutAll();

        await open.Within();
        await hostBack.Within();
        Assert.Equal("host", host.Role);
        var ended = Waits.Next<SessionEndedEvent>(h => viewer.SessionEnded += h);
        await host.EndSessionAsync().Within();
        Assert.Equal("ended_by_host", (await ended.Within()).Reason);
    }

    [Fact]
    public async Task Viewer_cut_off_reconnects_and_keeps_receiving_updates()
    {
        await using var parts = await ProxiedViewer.StartAsync();
        var (host, viewer, proxy) = (parts.Host, parts.Viewer, parts.Proxy);
        var created = await host.CreateSessionAsync().Within();
        await viewer.JoinSessionAsync(created.SessionId).Within();
        var rejoined = Waits.Next<PeerJoinedEvent>(h => host.PeerJoined += h);

        proxy.CutAll();
        await rejoined.Within();
        var update = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);
        await host.SendCustomerAsync(new { name = "Ada" }).Within();

        Assert.Equal("Ada", (await update.Within()).Payload.GetProperty("name").GetString());
        Assert.Equal("viewer", viewer.Role);
    }

    [Fact]
    public async Task Viewer_cut_off_from_a_locked_session_ends_with_rejoin_failed_instead_of_retrying()
    {
        await using var parts = await ProxiedViewer.StartAsync();
        var (host, viewer, proxy) = (parts.Host, parts.Viewer, parts.Proxy);
        var created = await host.CreateSessionAsync().Within();
        await viewer.JoinSessionAsync(created.SessionId).Within();
        await host.LockAsync().Within();
        var ended = Waits.Next<SessionEndedEvent>(h => viewer.SessionEnded += h);
        var error = Waits.Next<MirrorException>(h => viewer.Error += h, e => e.Code == MirrorErrorCodes.RejoinFailed);

        proxy.CutAll();

        Assert.Equal(new SessionEndedEvent(created.SessionId, SessionEndedEvent.RejoinFailed), await ended.Within());
        Assert.Equal(MirrorErrorCodes.SessionLocked, ((MirrorException)(await error.Within()).InnerException!).Code);
        Assert.Null(viewer.SessionId);
        Assert.Equal(ConnectionState.Open, viewer.State);
    }

    [Fact]
    public async Task Viewer_that_came_by_a_link_on_a_link_only_relay_ends_with_rejoin_failed_when_cut_off()
    {
        await using var parts = await ProxiedViewer.StartAsync(("Relay:JoinWith", "Link"));
        var (host, viewer, proxy) = (parts.Host, parts.Viewer, parts.Proxy);
        await host.CreateSessionAsync().Within();
        var link = await host.CreateJoinLinkAsync().Within();
        var joined = await viewer.JoinSessionAsync(new JoinOptions { JoinKey = link.JoinKey }).Within();
        var ended = Waits.Next<SessionEndedEvent>(h => viewer.SessionEnded += h);

        proxy.CutAll();

        Assert.Equal(new SessionEndedEvent(joined.SessionId, SessionEndedEvent.RejoinFailed), await ended.Within());
    }

    [Fact]
    public async Task Session_gone_after_reconnect_ends_with_not_found()
    {
        await using var first = await RelayServer.StartAsync();
        await using var second = await RelayServer.StartAsync();
        await using var proxy = new TcpProxy(first.WebSocketUri);
        await using var host = await Clients.ConnectAsync(proxy.Uri);
        var created = await host.CreateSessionAsync().Within();
        var ended = Waits.Next<SessionEndedEvent>(h => host.SessionEnded += h);

        // The next connection lands on a server that never heard of the session, as after a restart without Redis.
        proxy.Target = second.WebSocketUri;
        proxy.CutAll();

        Assert.Equal(new SessionEndedEvent(created.SessionId, SessionEndedEvent.NotFound), await ended.Within());
        Assert.Null(host.SessionId);
    }

    [Fact]
    public async Task Request_made_while_reconnecting_is_sent_once_the_connection_is_back()
    {
        await using var server = await RelayServer.StartAsync();
        await using var proxy = new TcpProxy(server.WebSocketUri);
        await using var host = await Clients.ConnectAsync(proxy.Uri, o => o.Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(300), MaxDelay = TimeSpan.FromMilliseconds(300) });
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync().Within();
        await viewer.JoinSessionAsync(created.SessionId).Within();
        var reconnecting = Waits.Next<ConnectionState>(h => host.StateChanged += h, s => s == ConnectionState.Reconnecting);
        proxy.CutAll();
        await reconnecting.Within();
        var update = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);

        var delivered = await host.SendCustomerAsync(new { name = "Ada" }).Within();

        Assert.Equal(1, delivered);
        Assert.Equal("Ada", (await update.Within()).Payload.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Without_reconnect_a_cut_connection_closes_the_client()
    {
        await using var server = await RelayServer.StartAsync();
        await using var proxy = new TcpProxy(server.WebSocketUri);
        await using var client = await Clients.ConnectAsync(proxy.Uri, o => o.Reconnect = ReconnectOptions.Disabled);
        var closed = Waits.Next<ConnectionState>(h => client.StateChanged += h, s => s == ConnectionState.Closed);

        proxy.CutAll();

        await closed.Within();
        var error = await Assert.ThrowsAsync<MirrorException>(() => client.PingAsync().Within());
        Assert.Equal(MirrorErrorCodes.Closed, error.Code);
    }

    [Fact]
    public async Task Host_whose_role_is_resumed_elsewhere_does_not_take_it_back()
    {
        await using var server = await RelayServer.StartAsync();
        await using var original = await server.ConnectClientAsync();
        var created = await original.CreateSessionAsync().Within();
        var closed = Waits.Next<ConnectionState>(h => original.StateChanged += h, s => s == ConnectionState.Closed);
        var error = Waits.Next<MirrorException>(h => original.Error += h);
        await using var successor = await server.ConnectClientAsync();

        var joined = await successor.JoinSessionAsync(created.SessionId, created.ResumeToken).Within();

        Assert.Equal("host", joined.Role);
        await closed.Within();
        Assert.Equal(MirrorErrorCodes.HostResumedElsewhere, (await error.Within()).Code);
        Assert.Equal("host", successor.Role);
    }
}
