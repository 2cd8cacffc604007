using System.Net;
using System.Text.Json;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Access;

/// <summary>docs/protocol.md, "Admission": a viewer waits for the host's ADMIT; on both stores.</summary>
public abstract class AdmissionTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : AdmissionTests(StoreKind.Memory);
    public sealed class OnRedis() : AdmissionTests(StoreKind.Redis);

    internal static async Task<(TestClient Host, string Code)> CreateAsync(RelayServer server, object payload)
    {
        var host = await server.ConnectAsync();
        await host.SendAsync(new { type = "CREATE_SESSION", payload });
        var created = await host.ExpectAsync("SESSION_CREATED");
        return (host, created.GetProperty("sessionId").GetString()!);
    }

    /// <summary>A viewer that asks to join; returns it with its JOIN_PENDING, once the host has been told.</summary>
    internal static async Task<(TestClient Viewer, string MemberId)> RequestAsync(RelayServer server, TestClient host, string code, string? userAgent = null)
    {
        var viewer = userAgent is null
            ? await server.ConnectAsync()
            : await TestClient.ConnectAsync(server.WebSocketUri, IPAddress.Loopback, ("User-Agent", userAgent));
        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = code, requestId = "j1" });
        var pending = await viewer.ExpectAsync("JOIN_PENDING");
        var memberId = pending.GetProperty("payload").GetProperty("memberId").GetString()!;
        var requested = await host.SkipUntilAsync("JOIN_REQUESTED");
        Assert.Equal(memberId, requested.GetProperty("payload").GetProperty("memberId").GetString());
        return (viewer, memberId);
    }

    [Fact]
    public async Task Joining_a_session_with_admission_waits_and_receives_nothing()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        await host.SendAsync(new { type = "VIEW_CUSTOMER", payload = new { name = "Ada" } });

        var (viewer, _) = await RequestAsync(server, host, code);
        await using var __ = viewer;
        await host.SendAsync(new { type = "VIEW_PRODUCT", payload = new { sku = "X" } });

        await viewer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Join_pending_echoes_the_request_id_and_names_the_session()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        await using var viewer = await server.ConnectAsync();

        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = code, requestId = 7 });
        var pending = await viewer.ExpectAsync("JOIN_PENDING");

        Assert.Equal(7, pending.GetProperty("requestId").GetInt32());
        Assert.Equal(code, pending.GetProperty("payload").GetProperty("sessionId").GetString());
        Assert.False(pending.GetProperty("payload").TryGetProperty("encryption", out JsonElement _));
    }

    [Fact]
    public async Task Join_requested_carries_the_viewers_user_agent_cut_to_200_characters()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        var agent = "Tablet/1.0 " + new string('x', 300);
        await using var viewer = await TestClient.ConnectAsync(server.WebSocketUri, IPAddress.Loopback, ("User-Agent", agent));

        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = code });
        var requested = await host.ExpectAsync("JOIN_REQUESTED");

        Assert.Equal(agent[..200], requested.GetProperty("payload").GetProperty("userAgent").GetString());
    }

    [Fact]
    public async Task Admitted_viewer_gets_session_joined_with_its_join_request_id_and_the_state()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        await host.SendAsync(new { type = "VIEW_CUSTOMER", payload = new { name = "Ada" } });
        var (viewer, memberId) = await RequestAsync(server, host, code);
        await using var __ = viewer;

        await host.SendAsync(new { type = "ADMIT", payload = new { memberId }, requestId = "a" });
        var joined = await viewer.ExpectAsync("SESSION_JOINED");
        var customer = await viewer.ExpectAsync("VIEW_CUSTOMER");

        Assert.Equal("j1", joined.GetProperty("requestId").GetString());
        Assert.Equal(memberId, joined.GetProperty("payload").GetProperty("memberId").GetString());
        Assert.Equal("Ada", customer.GetProperty("payload").GetProperty("name").GetString());
        var hostSaw = await host.SkipUntilAsync("PEER_JOINED");
        Assert.Equal(memberId, hostSaw.GetProperty("payload").GetProperty("memberId").GetString());
    }

    [Fact]
    public async Task Admitted_viewer_receives_updates_and_may_send_them()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        var (viewer, memberId) = await RequestAsync(server, host, code);
        await using var __ = viewer;
        await host.SendAsync(new { type = "ADMIT", payload = new { memberId } });
        await viewer.ExpectAsync("SESSION_JOINED");
        await host.ExpectAsync("PEER_JOINED");

        await host.SendAsync(new { type = "VIEW_PRODUCT", payload = new { sku = "X" } });
        await viewer.ExpectAsync("VIEW_PRODUCT");
        await viewer.SendAsync(new { type = "VIEW_CUSTOMER", payload = new { name = "Bo" } });

        Assert.Equal("Bo", (await host.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Waiting_viewer_may_not_update_or_read_the_session()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        var (viewer, _) = await RequestAsync(server, host, code);
        await using var __ = viewer;

        await viewer.SendAsync(new { type = "VIEW_CUSTOMER", payload = new { name = "Eve" } });
        await viewer.ExpectErrorAsync("NOT_IN_SESSION");
        await viewer.SendAsync(new { type = "REQUEST_CUSTOMER_UPDATE" });
        await viewer.ExpectErrorAsync("NOT_IN_SESSION");

        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Denied_viewer_gets_join_denied_and_is_out()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        var (viewer, memberId) = await RequestAsync(server, host, code);
        await using var __ = viewer;

        await host.SendAsync(new { type = "DENY", payload = new { memberId }, requestId = 1 });
        var denied = await viewer.ExpectAsync("JOIN_DENIED");
        await host.ExpectAsync("ACK");
        await viewer.SendAsync(new { type = "SIGNAL", payload = new { to = "x", data = 1 } });

        Assert.Equal("denied", denied.GetProperty("payload").GetProperty("reason").GetString());
        await viewer.ExpectErrorAsync("SESSION_ID_REQUIRED");
    }

    [Fact]
    public async Task Viewer_not_answered_in_time_is_denied_with_timeout_and_the_host_told()
    {
        await using var server = await StartRelayAsync(("AdmissionTimeoutSeconds", "1"), ("SweepIntervalSeconds", "0.2"));
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        var (viewer, memberId) = await RequestAsync(server, host, code);
        await using var __ = viewer;

        var denied = await viewer.ExpectAsync("JOIN_DENIED", TimeSpan.FromSeconds(10));
        var withdrawn = await host.ExpectAsync("JOIN_WITHDRAWN", TimeSpan.FromSeconds(10));

        Assert.Equal("timeout", denied.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Equal(memberId, withdrawn.GetProperty("payload").GetProperty("memberId").GetString());
        Assert.Equal("timeout", withdrawn.GetProperty("payload").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Waiting_viewer_that_disconnects_is_withdrawn()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        var (viewer, memberId) = await RequestAsync(server, host, code);

        await viewer.DisposeAsync();
        var withdrawn = await host.ExpectAsync("JOIN_WITHDRAWN");

        Assert.Equal(memberId, withdrawn.GetProperty("payload").GetProperty("memberId").GetString());
        Assert.Equal("disconnected", withdrawn.GetProperty("payload").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Waiting_viewer_that_leaves_is_withdrawn()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        var (viewer, _) = await RequestAsync(server, host, code);
        await using var __ = viewer;

        await viewer.SendAsync(new { type = "LEAVE_SESSION" });
        await viewer.ExpectAsync("SESSION_LEFT");
        var withdrawn = await host.ExpectAsync("JOIN_WITHDRAWN");

        Assert.Equal("left", withdrawn.GetProperty("payload").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Resuming_host_is_told_of_viewers_still_waiting()
    {
        await using var server = await StartRelayAsync();
        var host = await server.ConnectAsync();
        await host.SendAsync(new { type = "CREATE_SESSION", payload = new { admission = "host" } });
        var created = (await host.ExpectAsync("SESSION_CREATED")).GetProperty("payload");
        var code = created.GetProperty("sessionId").GetString()!;
        var (viewer, memberId) = await RequestAsync(server, host, code, "Tablet/2");
        await using var _ = viewer;
        await host.DisposeAsync();

        await using var again = await server.ConnectAsync();
        await again.SendAsync(new { type = "JOIN_SESSION", sessionId = code, payload = new { resumeToken = created.GetProperty("resumeToken").GetString() } });
        await again.ExpectAsync("SESSION_JOINED");
        var requested = await again.SkipUntilAsync("JOIN_REQUESTED");

        Assert.Equal(memberId, requested.GetProperty("payload").GetProperty("memberId").GetString());
        Assert.Equal("Tablet/2", requested.GetProperty("payload").GetProperty("userAgent").GetString());
    }

    [Fact]
    public async Task Relay_wide_admission_holds_every_viewer()
    {
        await using var server = await StartRelayAsync(("Admission", "Host"));
        var (host, code) = await CreateAsync(server, new { });
        await using var _ = host;

        var (viewer, _) = await RequestAsync(server, host, code);
        await using var __ = viewer;

        await viewer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Admission_is_off_by_default()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { });
        await using var _ = host;
        await using var viewer = await server.ConnectAsync();

        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = code });

        await viewer.ExpectAsync("SESSION_JOINED");
        await host.ExpectAsync("PEER_JOINED");
    }

    [Fact]
    public async Task Admission_other_than_host_or_open_is_invalid()
    {
        await using var server = await StartRelayAsync();
        await using var host = await server.ConnectAsync();

        await host.SendAsync(new { type = "CREATE_SESSION", payload = new { admission = "maybe" } });

        await host.ExpectErrorAsync("INVALID_MESSAGE");
    }

    [Fact]
    public async Task Admitting_an_unknown_member_is_member_not_found()
    {
        await using var server = await StartRelayAsync();
        var (host, _) = await CreateAsync(server, new { admission = "host" });
        await using var _h = host;

        await host.SendAsync(new { type = "ADMIT", payload = new { memberId = "nobody" } });

        await host.ExpectErrorAsync("MEMBER_NOT_FOUND");
    }

    [Fact]
    public async Task Viewer_may_not_admit()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        var (first, firstId) = await RequestAsync(server, host, code);
        await using var __ = first;
        await host.SendAsync(new { type = "ADMIT", payload = new { memberId = firstId } });
        await first.ExpectAsync("SESSION_JOINED");
        var (second, secondId) = await RequestAsync(server, host, code);
        await using var ___ = second;

        await first.SendAsync(new { type = "ADMIT", payload = new { memberId = secondId } });

        await first.ExpectErrorAsync("NOT_HOST");
        await second.ExpectNothingAsync();
    }

    [Fact]
    public async Task Waiting_viewers_count_against_the_member_limit()
    {
        await using var server = await StartRelayAsync(("MaxMembersPerSession", "2"));
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        var (viewer, _) = await RequestAsync(server, host, code);
        await using var __ = viewer;
        await using var third = await server.ConnectAsync();

        await third.SendAsync(new { type = "JOIN_SESSION", sessionId = code });

        await third.ExpectErrorAsync("SESSION_FULL");
    }

    [Fact]
    public async Task Admitted_viewer_that_reconnects_waits_for_admission_again_under_a_new_member_id()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await CreateAsync(server, new { admission = "host" });
        await using var _ = host;
        await host.SendAsync(new { type = "VIEW_CUSTOMER", payload = new { name = "Ada" } });
        var (viewer, firstId) = await RequestAsync(server, host, code);
        await host.SendAsync(new { type = "ADMIT", payload = new { memberId = firstId } });
        await viewer.ExpectAsync("SESSION_JOINED");
        await host.SkipUntilAsync("PEER_JOINED");
        await viewer.DisposeAsync();
        Assert.Equal("disconnected", (await host.SkipUntilAsync("PEER_LEFT")).GetProperty("payload").GetProperty("reason").GetString());

        var (again, secondId) = await RequestAsync(server, host, code);
        await using var __ = again;

        Assert.NotEqual(firstId, secondId);
        await again.ExpectNothingAsync();
    }
}
