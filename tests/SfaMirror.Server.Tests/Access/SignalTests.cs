using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Access;

/// <summary>docs/protocol.md, "Messages to one member": SIGNAL; on both stores.</summary>
public abstract class SignalTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : SignalTests(StoreKind.Memory);
    public sealed class OnRedis() : SignalTests(StoreKind.Redis);

    private static string MemberIdOf(System.Text.Json.JsonElement reply) => reply.GetProperty("payload").GetProperty("memberId").GetString()!;

    [Fact]
    public async Task Signal_reaches_only_its_member_with_the_data_as_written()
    {
        await using var server = await StartRelayAsync();
        await using var host = await server.ConnectAsync();
        await host.SendAsync(new { type = "CREATE_SESSION" });
        var created = await host.ExpectAsync("SESSION_CREATED");
        var code = created.GetProperty("sessionId").GetString()!;
        await using var target = await server.ConnectAsync();
        var targetId = MemberIdOf(await target.JoinAsync(code));
        await using var other = await server.JoinViewerAsync(code, host, target);
        await host.SkipUntilAsync("PEER_JOINED");

        await host.SendTextAsync($$$"""{"type":"SIGNAL","payload":{"to":"{{{targetId}}}","data":{"x":1.50,"big":123456789012345678901234567890}},"requestId":3}""");
        var signal = await target.SkipUntilAsync("SIGNAL");
        var ack = await host.SkipUntilAsync("ACK");

        Assert.Equal(MemberIdOf(created), signal.GetProperty("payload").GetProperty("from").GetString());
        Assert.Equal("""{"x":1.50,"big":123456789012345678901234567890}""", signal.GetProperty("payload").GetProperty("data").GetRawText());
        Assert.Equal(1, ack.GetProperty("payload").GetProperty("delivered").GetInt32());
        await other.ExpectNothingAsync();
    }

    [Fact]
    public async Task Signal_is_never_replayed_to_a_late_joiner()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.ConnectAsync();
        var viewerId = MemberIdOf(await viewer.JoinAsync(code));
        await host.SendAsync(new { type = "SIGNAL", payload = new { to = viewerId, data = "hi" } });
        await viewer.SkipUntilAsync("SIGNAL");

        await using var late = await server.ConnectAsync();
        await late.JoinAsync(code);

        await late.ExpectNothingAsync();
    }

    [Fact]
    public async Task Signal_over_the_limit_is_invalid()
    {
        await using var server = await StartRelayAsync(("MaxSignalBytes", "64"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.ConnectAsync();
        var viewerId = MemberIdOf(await viewer.JoinAsync(code));
        await host.ExpectAsync("PEER_JOINED");

        await host.SendAsync(new { type = "SIGNAL", payload = new { to = viewerId, data = new string('x', 63) } });
        await host.ExpectErrorAsync("INVALID_MESSAGE");
        await host.SendAsync(new { type = "SIGNAL", payload = new { to = viewerId, data = new string('x', 62) } });

        Assert.Equal(62, (await viewer.SkipUntilAsync("SIGNAL")).GetProperty("payload").GetProperty("data").GetString()!.Length);
    }

    [Fact]
    public async Task Signal_to_an_unknown_member_is_member_not_found()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendAsync(new { type = "SIGNAL", payload = new { to = "nobody", data = 1 } });

        await host.ExpectErrorAsync("MEMBER_NOT_FOUND");
    }

    [Fact]
    public async Task Signal_without_data_or_to_is_invalid()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendAsync(new { type = "SIGNAL", payload = new { to = "x" } });
        await host.ExpectErrorAsync("INVALID_MESSAGE");
        await host.SendAsync(new { type = "SIGNAL", payload = new { data = 1 } });
        await host.ExpectErrorAsync("INVALID_MESSAGE");
    }

    [Fact]
    public async Task Signal_to_oneself_is_not_allowed()
    {
        await using var server = await StartRelayAsync();
        await using var host = await server.ConnectAsync();
        await host.SendAsync(new { type = "CREATE_SESSION" });
        var hostId = MemberIdOf(await host.ExpectAsync("SESSION_CREATED"));

        await host.SendAsync(new { type = "SIGNAL", payload = new { to = hostId, data = 1 } });

        await host.ExpectErrorAsync("NOT_ALLOWED");
    }

    [Fact]
    public async Task Waiting_viewer_and_host_may_signal_each_other()
    {
        await using var server = await StartRelayAsync();
        await using var host = await server.ConnectAsync();
        await host.SendAsync(new { type = "CREATE_SESSION", payload = new { admission = "host" } });
        var created = await host.ExpectAsync("SESSION_CREATED");
        var (viewer, viewerId) = await AdmissionTests.RequestAsync(server, host, created.GetProperty("sessionId").GetString()!);
        await using var _ = viewer;

        await host.SendAsync(new { type = "SIGNAL", payload = new { to = viewerId, data = new { e2e = "offer" } } });
        var offer = await viewer.ExpectAsync("SIGNAL");
        await viewer.SendAsync(new { type = "SIGNAL", payload = new { to = MemberIdOf(created), data = new { e2e = "answer" } } });
        var answer = await host.ExpectAsync("SIGNAL");

        Assert.Equal("offer", offer.GetProperty("payload").GetProperty("data").GetProperty("e2e").GetString());
        Assert.Equal(viewerId, answer.GetProperty("payload").GetProperty("from").GetString());
    }

    [Fact]
    public async Task Waiting_viewer_may_not_signal_another_viewer()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await AdmissionTests.CreateAsync(server, new { admission = "host" });
        await using var _h = host;
        var (first, firstId) = await AdmissionTests.RequestAsync(server, host, code);
        await using var _f = first;
        var (second, _) = await AdmissionTests.RequestAsync(server, host, code);
        await using var _s = second;

        await second.SendAsync(new { type = "SIGNAL", payload = new { to = firstId, data = 1 } });

        await second.ExpectErrorAsync("MEMBER_NOT_FOUND");
        await first.ExpectNothingAsync();
    }
}
