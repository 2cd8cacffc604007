using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Access;

/// <summary>docs/protocol.md, "Encrypted sessions": what the relay itself enforces; on both stores.</summary>
public abstract class EncryptedSessionTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : EncryptedSessionTests(StoreKind.Memory);
    public sealed class OnRedis() : EncryptedSessionTests(StoreKind.Redis);

    private const string Sealed = """{"e2e":1,"g":0,"iv":"AAAAAAAAAAAAAAAA","ct":"q83vEjRWeJA"}""";

    [Fact]
    public async Task Encrypted_session_holds_viewers_for_admission_and_says_it_is_encrypted()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await AdmissionTests.CreateAsync(server, new { encryption = "e2e" });
        await using var _h = host;
        await using var viewer = await server.ConnectAsync();

        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = code });
        var pending = await viewer.ExpectAsync("JOIN_PENDING");
        var requested = await host.ExpectAsync("JOIN_REQUESTED");
        await host.SendAsync(new { type = "ADMIT", payload = new { memberId = requested.GetProperty("payload").GetProperty("memberId").GetString() } });
        var joined = await viewer.ExpectAsync("SESSION_JOINED");

        Assert.Equal("e2e", pending.GetProperty("payload").GetProperty("encryption").GetString());
        Assert.Equal("e2e", joined.GetProperty("payload").GetProperty("encryption").GetString());
    }

    [Fact]
    public async Task Sealed_payload_is_stored_and_relayed_as_sent()
    {
        await using var server = await StartRelayAsync();
        var (host, code) = await AdmissionTests.CreateAsync(server, new { encryption = "e2e" });
        await using var _h = host;

        await host.SendTextAsync($$"""{"type":"VIEW_CUSTOMER","payload":{{Sealed}},"requestId":1}""");
        await host.ExpectAsync("ACK");
        var (viewer, memberId) = await AdmissionTests.RequestAsync(server, host, code);
        await using var _v = viewer;
        await host.SendAsync(new { type = "ADMIT", payload = new { memberId } });
        await viewer.ExpectAsync("SESSION_JOINED");

        Assert.Equal(Sealed, (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
    }

    [Theory]
    [InlineData("""{"name":"Ada"}""")]
    [InlineData("""{"e2e":1,"g":0,"iv":"AAAA","ct":"AAAA","name":"Ada"}""")]
    [InlineData("""{"e2e":2,"g":0,"iv":"AAAA","ct":"AAAA"}""")]
    [InlineData("""{"e2e":1,"g":-1,"iv":"AAAA","ct":"AAAA"}""")]
    [InlineData("""{"e2e":1,"g":0,"iv":"AA AA","ct":"AAAA"}""")]
    [InlineData("""{"e2e":1,"g":0,"iv":"AAAA"}""")]
    [InlineData("\"Ada\"")]
    public async Task Unsealed_payload_in_an_encrypted_session_is_invalid_and_not_stored(string payload)
    {
        await using var server = await StartRelayAsync();
        var (host, _) = await AdmissionTests.CreateAsync(server, new { encryption = "e2e" });
        await using var _h = host;

        await host.SendTextAsync($$"""{"type":"VIEW_CUSTOMER","payload":{{payload}}}""");
        await host.ExpectErrorAsync("INVALID_MESSAGE");
        await host.SendTextAsync("""{"type":"REQUEST_CUSTOMER_UPDATE","requestId":2}""");

        Assert.False((await host.ExpectAsync("ACK")).GetProperty("payload").GetProperty("found").GetBoolean());
    }

    [Fact]
    public async Task Null_clears_state_in_an_encrypted_session()
    {
        await using var server = await StartRelayAsync();
        var (host, _) = await AdmissionTests.CreateAsync(server, new { encryption = "e2e" });
        await using var _h = host;

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":null,"requestId":1}""");

        await host.ExpectAsync("ACK");
    }

    [Fact]
    public async Task Plain_payloads_are_unchecked_in_a_plain_session()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"e2e":1,"name":"Ada"}}""");

        Assert.Equal("""{"e2e":1,"name":"Ada"}""", (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Relay_requiring_e2e_refuses_a_plain_session_and_creates_an_encrypted_one()
    {
        await using var server = await StartRelayAsync(("RequireE2E", "true"));
        await using var host = await server.ConnectAsync();

        await host.SendAsync(new { type = "CREATE_SESSION" });
        await host.ExpectErrorAsync("E2E_REQUIRED");
        await host.SendAsync(new { type = "CREATE_SESSION", payload = new { encryption = "e2e" } });

        await host.ExpectAsync("SESSION_CREATED");
    }

    [Fact]
    public async Task Encryption_other_than_e2e_is_invalid()
    {
        await using var server = await StartRelayAsync();
        await using var host = await server.ConnectAsync();

        await host.SendAsync(new { type = "CREATE_SESSION", payload = new { encryption = "aes" } });

        await host.ExpectErrorAsync("INVALID_MESSAGE");
    }
}
