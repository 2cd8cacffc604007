using System.Text.Json;
using SfaMirror.Client.Events;
using SfaMirror.Client.Tests.Infrastructure;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Client.Tests;

/// <summary>End-to-end encrypted sessions through the client against the real relay (docs/security.md, protocol v1).</summary>
public sealed class EncryptedSessionTests
{
    private static readonly CreateSessionOptions Encrypted = new() { Encrypted = true };

    [Fact]
    public async Task Host_and_viewer_show_the_same_digits_and_the_viewer_reads_the_customer()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync(Encrypted).Within();

        var (joined, hostPairing, viewerPairing) = await PairAndAdmitAsync(host, viewer, created.SessionId);

        Assert.True(joined.Encrypted);
        Assert.Equal(hostPairing.Code, viewerPairing.Code);
        Assert.Matches("^[0-9]{6}$", hostPairing.Code);
        Assert.Equal(joined.MemberId, hostPairing.MemberId);
        Assert.Equal(created.MemberId, viewerPairing.MemberId);
        var changed = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);
        await host.SendCustomerAsync(new { name = "Ada", id = 7 }).Within();
        Assert.Equal("""{"name":"Ada","id":7}""", (await changed.Within()).Payload.GetRawText());
    }

    [Fact]
    public async Task The_relay_stores_only_ciphertext()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync(Encrypted).Within();
        await host.SendCustomerAsync(new { name = "Ada-marker-31337" }).Within();
        await using var spy = await server.ConnectAsync();
        var requested = Waits.Next<JoinRequestedEvent>(h => host.JoinRequested += h);
        await spy.SendAsync(new { type = "JOIN_SESSION", sessionId = created.SessionId });
        await spy.ExpectAsync("JOIN_PENDING");

        await host.AdmitAsync((await requested.Within()).MemberId).Within();

        await spy.SkipUntilAsync("SESSION_JOINED");
        var stored = (await spy.SkipUntilAsync("VIEW_CUSTOMER")).GetProperty("payload");
        Assert.Equal(["e2e", "g", "iv", "ct"], stored.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("Ada-marker", stored.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("""{"name":"Ada-marker-31337"}""", (await host.RequestCustomerAsync().Within())!.Value.GetRawText());
    }

    [Fact]
    public async Task A_late_joiner_opens_the_customer_stored_before_it_had_the_key()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync(Encrypted).Within();
        await host.SendCustomerAsync(new { name = "Ada" }).Within();
        await host.SendProductAsync(new { sku = "X-1" }).Within();
        var customer = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);
        var product = Waits.Next<StateUpdatedEvent>(h => viewer.ProductChanged += h);

        await PairAndAdmitAsync(host, viewer, created.SessionId);

        Assert.Equal("Ada", (await customer.Within()).Payload.GetProperty("name").GetString());
        Assert.Equal("X-1", (await product.Within()).Payload.GetProperty("sku").GetString());
    }

    [Fact]
    public async Task After_a_kick_the_others_read_on_and_the_kicked_member_cannot_open_what_follows()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var kept = await server.ConnectClientAsync();
        await using var kicked = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync(Encrypted).Within();
        await PairAndAdmitAsync(host, kept, created.SessionId);
        var (kickedJoined, _, _) = await PairAndAdmitAsync(host, kicked, created.SessionId);
        var first = Waits.Next<StateUpdatedEvent>(h => kicked.CustomerChanged += h);
        await host.SendCustomerAsync(new { name = "Ada" }).Within();
        Assert.Equal("Ada", (await first.Within()).Payload.GetProperty("name").GetString());
        // A member admitted without pairing sees what the relay relays: the ciphertexts.
        await using var spy = await server.ConnectAsync();
        var requested = Waits.Next<JoinRequestedEvent>(h => host.JoinRequested += h);
        await spy.SendAsync(new { type = "JOIN_SESSION", sessionId = created.SessionId });
        await host.AdmitAsync((await requested.Within()).MemberId).Within();
        await spy.SkipUntilAsync("VIEW_CUSTOMER");
        var kickedKeys = kicked.E2e!;
        var resent = Waits.Next<StateUpdatedEvent>(h => kept.CustomerChanged += h);

        await host.KickAsync(kickedJoined.MemberId!).Within();

        Assert.Equal("Ada", (await resent.Within()).Payload.GetProperty("name").GetString());
        var next = Waits.Next<StateUpdatedEvent>(h => kept.CustomerChanged += h);
        await host.SendCustomerAsync(new { name = "Grace" }).Within();
        Assert.Equal("Grace", (await next.Within()).Payload.GetProperty("name").GetString());
        var resealed = (await spy.SkipUntilAsync("VIEW_CUSTOMER")).GetProperty("payload");
        var grace = (await spy.SkipUntilAsync("VIEW_CUSTOMER")).GetProperty("payload");
        Assert.Equal(1, resealed.GetProperty("g").GetInt64());
        Assert.Equal(1, grace.GetProperty("g").GetInt64());
        Assert.False(kickedKeys.Open(StateKind.Customer, resealed, null, hold: false)!.IsOpen);
        Assert.False(kickedKeys.Open(StateKind.Customer, grace, null, hold: false)!.IsOpen);
        Assert.True(kept.E2e!.Open(StateKind.Customer, grace, null, hold: false)!.IsOpen);
    }

    [Fact]
    public async Task A_state_that_does_not_open_is_reported_and_the_next_one_still_opens()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync(Encrypted).Within();
        await PairAndAdmitAsync(host, viewer, created.SessionId);
        await using var forger = await server.ConnectAsync();
        var requested = Waits.Next<JoinRequestedEvent>(h => host.JoinRequested += h);
        await forger.SendAsync(new { type = "JOIN_SESSION", sessionId = created.SessionId });
        await host.AdmitAsync((await requested.Within()).MemberId).Within();
        await forger.SkipUntilAsync("SESSION_JOINED");
        var undecryptable = Waits.Next<UndecryptableEvent>(h => viewer.Undecryptable += h);
        var opened = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);

        await forger.SendAsync(new { type = "VIEW_CUSTOMER", payload = new { e2e = 1, g = 0, iv = "AAAAAAAAAAAAAAAA", ct = "AAAAAAAAAAAAAAAAAAAAAAAAAAAA" } });

        var failure = await undecryptable.Within();
        Assert.Equal(StateKind.Customer, failure.Kind);
        await host.SendCustomerAsync(new { name = "Ada" }).Within();
        Assert.Equal("Ada", (await opened.Within()).Payload.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_viewer_with_the_link_has_the_key_at_once_and_its_proof_is_accepted()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync(Encrypted).Within();
        await host.SendCustomerAsync(new { name = "Ada" }).Within();
        var made = await host.CreateJoinLinkAsync().Within();
        var link = JoinLink.Parse(made.Link.ToUri(server.BaseUri));
        Assert.Equal(0, link.Generation);
        var hostPairing = Waits.Next<PairingEvent>(h => host.Pairing += h);
        var customer = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);

        var join = viewer.JoinWithLinkAsync(link);

        var pairing = await hostPairing.Within();
        Assert.True(pairing.ViaLink);
        await host.AdmitAsync(pairing.MemberId).Within();
        Assert.Equal(created.SessionId, (await join.Within()).SessionId);
        Assert.Equal("Ada", (await customer.Within()).Payload.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_relay_that_swaps_the_public_keys_makes_the_two_digit_strings_differ()
    {
        await using var server = await RelayServer.StartAsync();
        await using var proxy = await KeySwappingProxy.StartAsync(server.WebSocketUri);
        await using var host = await Clients.ConnectAsync(proxy.WebSocketUri);
        await using var viewer = await Clients.ConnectAsync(proxy.WebSocketUri);
        var created = await host.CreateSessionAsync(Encrypted).Within();
        var hostPairing = Waits.Next<PairingEvent>(h => host.Pairing += h);
        var viewerPairing = Waits.Next<PairingEvent>(h => viewer.Pairing += h);

        _ = viewer.JoinSessionAsync(created.SessionId);

        var onHost = await hostPairing.Within();
        var onViewer = await viewerPairing.Within();
        Assert.True(proxy.Swapped >= 2, $"the proxy swapped {proxy.Swapped} keys");
        Assert.NotEqual(onHost.Code, onViewer.Code);
    }

    /// <summary>The viewer joins, both pair, the host admits once it has the digits: what each side saw.</summary>
    [Fact]
    public async Task Viewer_cut_off_pairs_again_is_admitted_again_and_reads_on()
    {
        await using var parts = await ProxiedViewer.StartAsync();
        var (host, viewer, proxy) = (parts.Host, parts.Viewer, parts.Proxy);
        var created = await host.CreateSessionAsync(Encrypted).Within();
        var (joined, _, _) = await PairAndAdmitAsync(host, viewer, created.SessionId);
        var hostPairing = Waits.Next<PairingEvent>(h => host.Pairing += h);
        var viewerPairing = Waits.Next<PairingEvent>(h => viewer.Pairing += h);

        proxy.CutAll();
        var again = await hostPairing.Within();
        Assert.NotEqual(joined.MemberId, again.MemberId);
        Assert.Equal(again.Code, (await viewerPairing.Within()).Code);
        var rejoined = Waits.Next<PeerJoinedEvent>(h => host.PeerJoined += h);
        await host.AdmitAsync(again.MemberId).Within();
        await rejoined.Within();
        var changed = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);
        await host.SendCustomerAsync(new { name = "Ada" }).Within();

        Assert.Equal("Ada", (await changed.Within()).Payload.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Host_restarted_with_its_kept_content_key_resumes_and_its_viewers_read_on()
    {
        await using var server = await RelayServer.StartAsync();
        var host = await server.ConnectClientAsync();
        await using var viewer = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync(Encrypted).Within();
        await PairAndAdmitAsync(host, viewer, created.SessionId);
        await host.SendCustomerAsync(new { name = "Ada" }).Within();
        var (key, generation) = host.ContentKey!.Value;
        await host.DisposeAsync();

        await using var restarted = await server.ConnectClientAsync();
        var resumed = await restarted.JoinSessionAsync(new JoinOptions
        {
            SessionId = created.SessionId, ResumeToken = created.ResumeToken, ContentKey = key, Generation = generation,
        }).Within();
        var changed = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);
        await restarted.SendCustomerAsync(new { name = "Grace" }).Within();

        Assert.Equal("host", resumed.Role);
        Assert.Equal("Grace", (await changed.Within()).Payload.GetProperty("name").GetString());
        Assert.Equal("""{"name":"Grace"}""", (await restarted.RequestCustomerAsync().Within())!.Value.GetRawText());
        Assert.Equal(key, restarted.ContentKey!.Value.ContentKey);
    }

    [Fact]
    public async Task Host_restarted_without_the_content_key_cannot_seal()
    {
        await using var server = await RelayServer.StartAsync();
        var host = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync(Encrypted).Within();
        await host.DisposeAsync();

        await using var restarted = await server.ConnectClientAsync();
        await restarted.JoinSessionAsync(created.SessionId, created.ResumeToken).Within();

        var refused = await Assert.ThrowsAsync<MirrorException>(() => restarted.SendCustomerAsync(new { name = "Grace" }).Within());
        Assert.Equal(MirrorErrorCodes.NoContentKey, refused.Code);
        Assert.Null(restarted.ContentKey);
    }

    internal static async Task<(SessionJoined Joined, PairingEvent Host, PairingEvent Viewer)> PairAndAdmitAsync(MirrorClient host, MirrorClient viewer, string code)
    {
        var hostPairing = Waits.Next<PairingEvent>(h => host.Pairing += h);
        var viewerPairing = Waits.Next<PairingEvent>(h => viewer.Pairing += h);
        var join = viewer.JoinSessionAsync(code);
        var onHost = await hostPairing.Within();
        var onViewer = await viewerPairing.Within();
        await host.AdmitAsync(onHost.MemberId).Within();
        return (await join.Within(), onHost, onViewer);
    }
}
