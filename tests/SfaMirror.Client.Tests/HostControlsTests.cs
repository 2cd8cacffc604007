using System.Text.Json;
using SfaMirror.Client.Events;
using SfaMirror.Client.Tests.Infrastructure;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Client.Tests;

/// <summary>Admission, deny, kick, lock, signals and join links through the client, against the real relay.</summary>
public sealed class HostControlsTests
{
    private static readonly CreateSessionOptions WithAdmission = new() { HostAdmission = true };

    [Fact]
    public async Task A_waiting_viewer_is_announced_to_the_host_and_joins_once_admitted()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync(o => o.UserAgent = "Mirror/1.0 (test)");
        var created = await host.CreateSessionAsync(WithAdmission).Within();
        var requested = Waits.Next<JoinRequestedEvent>(h => host.JoinRequested += h);
        var pending = Waits.Next<JoinPendingEvent>(h => viewer.JoinPending += h);

        var join = viewer.JoinSessionAsync(created.SessionId);

        var request = await requested.Within();
        Assert.Equal("Mirror/1.0 (test)", request.UserAgent);
        Assert.Equal(request.MemberId, (await pending.Within()).MemberId);
        Assert.False(join.IsCompleted);
        await host.AdmitAsync(request.MemberId).Within();
        var joined = await join.Within();
        Assert.Equal("viewer", joined.Role);
        Assert.Equal(request.MemberId, joined.MemberId);
        Assert.False(joined.Encrypted);
    }

    [Fact]
    public async Task A_denied_join_fails_with_JOIN_DENIED()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync(WithAdmission).Within();
        var requested = Waits.Next<JoinRequestedEvent>(h => host.JoinRequested += h);
        var denied = Waits.Next<JoinDeniedEvent>(h => viewer.JoinDenied += h);

        var join = viewer.JoinSessionAsync(created.SessionId);
        await host.DenyAsync((await requested.Within()).MemberId).Within();

        var error = await Assert.ThrowsAsync<MirrorException>(() => join.Within());
        Assert.Equal(MirrorErrorCodes.JoinDenied, error.Code);
        Assert.Equal("denied", (await denied.Within()).Reason);
        Assert.Null(viewer.SessionId);
    }

    [Fact]
    public async Task A_kicked_viewer_sees_its_session_end_and_the_host_sees_it_leave_kicked()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync().Within();
        var joined = await viewer.JoinSessionAsync(created.SessionId).Within();
        var ended = Waits.Next<SessionEndedEvent>(h => viewer.SessionEnded += h);
        var left = Waits.Next<PeerLeftEvent>(h => host.PeerLeft += h);

        await host.KickAsync(joined.MemberId!).Within();

        Assert.Equal(SessionEndedEvent.Kicked, (await ended.Within()).Reason);
        Assert.Equal(new PeerLeftEvent(created.SessionId, "viewer", 1, "kicked", joined.MemberId), await left.Within());
        var again = await Assert.ThrowsAsync<MirrorException>(() => viewer.JoinSessionAsync(created.SessionId).Within());
        Assert.Equal(MirrorErrorCodes.Kicked, again.Code);
    }

    [Fact]
    public async Task A_locked_session_refuses_joins_until_unlocked()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync().Within();

        Assert.True(await host.LockAsync().Within());
        var refused = await Assert.ThrowsAsync<MirrorException>(() => viewer.JoinSessionAsync(created.SessionId).Within());
        Assert.Equal(MirrorErrorCodes.SessionLocked, refused.Code);

        Assert.False(await host.UnlockAsync().Within());
        Assert.Equal("viewer", (await viewer.JoinSessionAsync(created.SessionId).Within()).Role);
    }

    [Fact]
    public async Task A_signal_reaches_the_one_member_with_its_sender()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync().Within();
        var joined = await viewer.JoinSessionAsync(created.SessionId).Within();
        var signal = Waits.Next<SignalEvent>(h => viewer.Signal += h);
        using var data = JsonDocument.Parse("""{"hello":[1,2,3]}""");

        await host.SignalAsync(joined.MemberId!, data.RootElement).Within();

        var received = await signal.Within();
        Assert.Equal(created.MemberId, received.From);
        Assert.Equal("""{"hello":[1,2,3]}""", received.Data.GetRawText());
        var unknown = await Assert.ThrowsAsync<MirrorException>(() => host.SignalAsync("nobody", data.RootElement).Within());
        Assert.Equal(MirrorErrorCodes.MemberNotFound, unknown.Code);
    }

    [Fact]
    public async Task A_join_link_lets_one_viewer_in_without_the_code()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync();
        await using var second = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync().Within();

        var made = await host.CreateJoinLinkAsync(TimeSpan.FromMinutes(5), uses: 1).Within();
        var link = JoinLink.Parse(made.Link.ToUri(server.BaseUri));

        Assert.Equal(1, made.Uses);
        Assert.InRange(made.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(6));
        Assert.Null(link.ContentKey);
        Assert.Equal(created.SessionId, (await viewer.JoinWithLinkAsync(link).Within()).SessionId);
        var used = await Assert.ThrowsAsync<MirrorException>(() => second.JoinWithLinkAsync(link).Within());
        Assert.Equal(MirrorErrorCodes.JoinKeyInvalid, used.Code);
    }
}
