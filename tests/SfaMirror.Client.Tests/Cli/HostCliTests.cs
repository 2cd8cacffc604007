using SfaMirror.Client.Events;
using SfaMirror.Client.Tests.Infrastructure;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Client.Tests.Cli;

/// <summary><c>sfa-mirror create</c> with admission and encryption, its typed host commands, and <c>join</c> in an encrypted session.</summary>
public sealed class HostCliTests
{
    [Fact]
    public async Task Create_with_e2e_shows_the_waiting_viewer_and_its_digits_and_admits_it_when_told()
    {
        await using var server = await RelayServer.StartAsync();
        var url = server.WebSocketUri.ToString();
        await using var create = CliRun.Start("create", "--e2e", "--url", url);
        var created = await create.NextEventAsync("created");
        Assert.True(created.GetProperty("encrypted").GetBoolean());
        await using var viewer = await server.ConnectClientAsync(o => o.UserAgent = "Mirror-TV");
        var viewerPairing = Waits.Next<PairingEvent>(h => viewer.Pairing += h);

        var join = viewer.JoinSessionAsync(created.GetProperty("sessionId").GetString()!);

        var requested = await create.NextEventAsync("join_requested");
        Assert.Equal("Mirror-TV", requested.GetProperty("userAgent").GetString());
        var pairing = await create.NextEventAsync("pairing");
        var memberId = pairing.GetProperty("memberId").GetString()!;
        Assert.Equal(requested.GetProperty("memberId").GetString(), memberId);
        Assert.Equal((await viewerPairing.Within()).Code, pairing.GetProperty("code").GetString());
        Assert.False(join.IsCompleted);
        create.Input!.Type($"admit {memberId}");
        Assert.Equal(memberId, (await create.NextEventAsync("admitted")).GetProperty("memberId").GetString());
        Assert.True((await join.Within()).Encrypted);
    }

    [Fact]
    public async Task Customer_typed_at_an_encrypted_host_reaches_the_viewer_sealed_and_opens_there()
    {
        await using var server = await RelayServer.StartAsync();
        await using var create = CliRun.Start("create", "--e2e", "--url", server.WebSocketUri.ToString());
        var code = (await create.NextEventAsync("created")).GetProperty("sessionId").GetString()!;
        await using var viewer = await server.ConnectClientAsync();
        var customer = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);
        var join = viewer.JoinSessionAsync(code);
        create.Input!.Type($"admit {(await create.NextEventAsync("pairing")).GetProperty("memberId").GetString()}");
        await join.Within();

        create.Input.Type("""customer {"name":"Ada Lovelace"}""");

        Assert.Equal(1, (await create.NextEventAsync("ack")).GetProperty("delivered").GetInt32());
        Assert.Equal("Ada Lovelace", (await customer.Within()).Payload.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Link_lock_and_kick_typed_at_the_host()
    {
        await using var server = await RelayServer.StartAsync();
        var url = server.WebSocketUri.ToString();
        await using var create = CliRun.Start("create", "--e2e", "--url", url);
        await create.NextEventAsync("created");

        create.Input!.Type("link 300 1");
        var link = JoinLink.Parse(new Uri((await create.NextEventAsync("link")).GetProperty("url").GetString()!));
        Assert.NotNull(link.ContentKey);
        Assert.Equal(0, link.Generation);
        await using var viewer = await server.ConnectClientAsync();
        var ended = Waits.Next<SessionEndedEvent>(h => viewer.SessionEnded += h);
        var join = viewer.JoinWithLinkAsync(link);
        var pairing = await create.NextEventAsync("pairing");
        Assert.True(pairing.GetProperty("viaLink").GetBoolean());
        var memberId = pairing.GetProperty("memberId").GetString()!;
        create.Input.Type($"admit {memberId}");
        await join.Within();

        create.Input.Type("lock");
        await create.NextEventAsync("locked");
        await using var other = await server.ConnectClientAsync();
        var refused = await Assert.ThrowsAsync<MirrorException>(() => other.JoinSessionAsync(viewer.SessionId!).Within());
        Assert.Equal(MirrorErrorCodes.SessionLocked, refused.Code);

        create.Input.Type($"kick {memberId}");
        await create.NextEventAsync("kicked");
        Assert.Equal(SessionEndedEvent.Kicked, (await ended.Within()).Reason);
    }

    [Fact]
    public async Task Create_with_host_admission_denies_when_told()
    {
        await using var server = await RelayServer.StartAsync();
        var url = server.WebSocketUri.ToString();
        await using var create = CliRun.Start("create", "--admission", "host", "--read-only", "--url", url);
        var code = (await create.NextEventAsync("created")).GetProperty("sessionId").GetString()!;
        await using var viewer = await server.ConnectClientAsync();

        var join = viewer.JoinSessionAsync(code);
        var memberId = (await create.NextEventAsync("join_requested")).GetProperty("memberId").GetString()!;
        create.Input!.Type($"deny {memberId}");

        await create.NextEventAsync("denied");
        Assert.Equal(MirrorErrorCodes.JoinDenied, (await Assert.ThrowsAsync<MirrorException>(() => join.Within())).Code);
    }

    [Fact]
    public async Task Join_in_an_encrypted_session_prints_the_digits_then_the_decrypted_customer()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync(new CreateSessionOptions { Encrypted = true }).Within();
        await host.SendCustomerAsync(new { name = "Ada" }).Within();
        var hostPairing = Waits.Next<PairingEvent>(h => host.Pairing += h);

        await using var join = CliRun.Start("join", created.SessionId, "--url", server.WebSocketUri.ToString());

        Assert.Equal("pending", (await join.NextJsonAsync()).GetProperty("event").GetString());
        var pairing = await join.NextEventAsync("pairing");
        var onHost = await hostPairing.Within();
        Assert.Equal(onHost.Code, pairing.GetProperty("code").GetString());
        Assert.Contains(onHost.Code, join.Error.Text, StringComparison.Ordinal);
        await host.AdmitAsync(onHost.MemberId).Within();
        Assert.True((await join.NextEventAsync("joined")).GetProperty("encrypted").GetBoolean());
        Assert.Equal("""{"name":"Ada"}""", (await join.NextEventAsync("customer")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Join_by_link_opens_the_customer_with_the_key_in_the_fragment()
    {
        await using var server = await RelayServer.StartAsync();
        await using var host = await server.ConnectClientAsync();
        var created = await host.CreateSessionAsync(new CreateSessionOptions { Encrypted = true }).Within();
        await host.SendCustomerAsync(new { name = "Ada" }).Within();
        var made = await host.CreateJoinLinkAsync().Within();
        var hostPairing = Waits.Next<PairingEvent>(h => host.Pairing += h);

        await using var join = CliRun.Start("join", "--link", made.Link.ToUri(server.BaseUri).ToString(), "--url", server.WebSocketUri.ToString());

        var pairing = await join.NextEventAsync("pairing");
        Assert.True(pairing.GetProperty("viaLink").GetBoolean());
        var onHost = await hostPairing.Within();
        Assert.True(onHost.ViaLink);
        await host.AdmitAsync(onHost.MemberId).Within();
        Assert.Equal(created.SessionId, (await join.NextEventAsync("joined")).GetProperty("sessionId").GetString());
        Assert.Equal("Ada", (await join.NextEventAsync("customer")).GetProperty("payload").GetProperty("name").GetString());
    }
}
