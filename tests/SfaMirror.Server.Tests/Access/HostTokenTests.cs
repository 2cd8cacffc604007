using Microsoft.IdentityModel.Tokens;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Access;

/// <summary>docs/protocol.md, "Host tokens": who may create (and resume) a session.</summary>
public sealed class HostTokenTests
{
    private static async Task<TestClient> CreateWithAsync(RelayServer server, string? token)
    {
        var client = await server.ConnectAsync();
        await client.SendAsync(token is null ? new { type = "CREATE_SESSION" } : new { type = "CREATE_SESSION", payload = new { token } });
        return client;
    }

    private static async Task ExpectInvalidAsync(TestClient client, string because)
    {
        var error = await client.ExpectErrorAsync("AUTH_INVALID");
        var message = error.GetProperty("payload").GetProperty("message").GetString()!;
        Assert.Contains(because, message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Required_mode_refuses_a_create_without_token_with_auth_required()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required"));
        await using var client = await CreateWithAsync(server, null);

        await client.ExpectErrorAsync("AUTH_REQUIRED");
    }

    [Fact]
    public async Task Required_mode_accepts_a_valid_hs256_token()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required"));
        await using var client = await CreateWithAsync(server, HostTokens.Hs256());

        await client.ExpectAsync("SESSION_CREATED");
    }

    [Fact]
    public async Task Required_mode_accepts_a_valid_es256_token_checked_with_an_inline_pem_key()
    {
        var (key, pem) = HostTokens.NewEcKey();
        await using var server = await RelayServer.StartAsync(("Relay:HostAuth:Mode", "Required"), ("Relay:HostAuth:PublicKeys:0", pem));
        await using var client = await CreateWithAsync(server, HostTokens.Create(key, SecurityAlgorithms.EcdsaSha256));

        await client.ExpectAsync("SESSION_CREATED");
    }

    [Fact]
    public async Task Required_mode_accepts_a_valid_rs256_token_checked_with_a_pem_file()
    {
        var (key, pem) = HostTokens.NewRsaKey();
        var path = Path.Combine(Path.GetTempPath(), $"relay-test-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(path, pem);
        try
        {
            await using var server = await RelayServer.StartAsync(("Relay:HostAuth:Mode", "Required"), ("Relay:HostAuth:PublicKeys:0", path));
            await using var client = await CreateWithAsync(server, HostTokens.Create(key, SecurityAlgorithms.RsaSha256));

            await client.ExpectAsync("SESSION_CREATED");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_refused_as_bad_signature()
    {
        var (_, pem) = HostTokens.NewEcKey();
        var (otherKey, _) = HostTokens.NewEcKey();
        await using var server = await RelayServer.StartAsync(("Relay:HostAuth:Mode", "Required"), ("Relay:HostAuth:PublicKeys:0", pem));
        await using var client = await CreateWithAsync(server, HostTokens.Create(otherKey, SecurityAlgorithms.EcdsaSha256));

        await ExpectInvalidAsync(client, "signature");
    }

    [Fact]
    public async Task Hs256_token_with_another_secret_is_refused_as_bad_signature()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required"));
        var other = new SymmetricSecurityKey("another-secret-that-is-also-long-enough!!"u8.ToArray());
        await using var client = await CreateWithAsync(server, HostTokens.Create(other, SecurityAlgorithms.HmacSha256));

        await ExpectInvalidAsync(client, "signature");
    }

    [Fact]
    public async Task Expired_token_is_refused_as_expired()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required"));
        var now = DateTime.UtcNow;
        var token = HostTokens.Create(HostTokens.SecretKey, SecurityAlgorithms.HmacSha256, notBefore: now.AddHours(-2), expires: now.AddHours(-1));
        await using var client = await CreateWithAsync(server, token);

        await ExpectInvalidAsync(client, "expired");
    }

    [Fact]
    public async Task Token_not_yet_valid_is_refused_as_not_yet_valid()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required"));
        var now = DateTime.UtcNow;
        var token = HostTokens.Create(HostTokens.SecretKey, SecurityAlgorithms.HmacSha256, notBefore: now.AddHours(1), expires: now.AddHours(2));
        await using var client = await CreateWithAsync(server, token);

        await ExpectInvalidAsync(client, "not yet valid");
    }

    [Fact]
    public async Task Token_for_another_audience_is_refused_as_wrong_audience()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required"));
        var token = HostTokens.Create(HostTokens.SecretKey, SecurityAlgorithms.HmacSha256, audience: "some-other-service");
        await using var client = await CreateWithAsync(server, token);

        await ExpectInvalidAsync(client, "audience");
    }

    [Fact]
    public async Task Token_from_another_issuer_is_refused_as_wrong_issuer()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required"));
        var token = HostTokens.Create(HostTokens.SecretKey, SecurityAlgorithms.HmacSha256, issuer: "https://evil.example");
        await using var client = await CreateWithAsync(server, token);

        await ExpectInvalidAsync(client, "issuer");
    }

    [Fact]
    public async Task Malformed_token_is_refused_with_auth_invalid()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required"));
        await using var client = await CreateWithAsync(server, "not-a-jwt");

        await client.ExpectErrorAsync("AUTH_INVALID");
    }

    [Fact]
    public async Task Optional_mode_creates_without_token_and_viewers_see_no_host_verified()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Optional"));
        await using var host = await CreateWithAsync(server, null);
        var code = (await host.ExpectAsync("SESSION_CREATED")).GetProperty("sessionId").GetString()!;
        await using var viewer = await server.ConnectAsync();

        var joined = await viewer.JoinAsync(code);

        Assert.False(joined.GetProperty("payload").TryGetProperty("hostVerified", out _));
    }

    [Fact]
    public async Task Optional_mode_with_a_valid_token_shows_viewers_host_verified()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Optional"));
        await using var host = await CreateWithAsync(server, HostTokens.Hs256());
        var code = (await host.ExpectAsync("SESSION_CREATED")).GetProperty("sessionId").GetString()!;
        await using var viewer = await server.ConnectAsync();

        var joined = await viewer.JoinAsync(code);

        Assert.True(joined.GetProperty("payload").GetProperty("hostVerified").GetBoolean());
    }

    [Fact]
    public async Task Optional_mode_refuses_an_invalid_token_rather_than_ignoring_it()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Optional"));
        await using var client = await CreateWithAsync(server, "not-a-jwt");

        await client.ExpectErrorAsync("AUTH_INVALID");
    }

    [Fact]
    public async Task Required_mode_refuses_a_host_resume_without_token()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required"));
        await using var host = await CreateWithAsync(server, HostTokens.Hs256());
        var payload = (await host.ExpectAsync("SESSION_CREATED")).GetProperty("payload");
        await using var again = await server.ConnectAsync();

        await again.SendAsync(new { type = "JOIN_SESSION", sessionId = payload.GetProperty("sessionId").GetString(), payload = new { resumeToken = payload.GetProperty("resumeToken").GetString() } });

        await again.ExpectErrorAsync("AUTH_REQUIRED");
    }

    [Fact]
    public async Task Required_mode_lets_a_host_resume_with_a_valid_token()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required"));
        await using var host = await CreateWithAsync(server, HostTokens.Hs256());
        var payload = (await host.ExpectAsync("SESSION_CREATED")).GetProperty("payload");
        await using var again = await server.ConnectAsync();

        await again.SendAsync(new
        {
            type = "JOIN_SESSION", sessionId = payload.GetProperty("sessionId").GetString(),
            payload = new { resumeToken = payload.GetProperty("resumeToken").GetString(), token = HostTokens.Hs256() },
        });

        var joined = await again.ExpectAsync("SESSION_JOINED");
        Assert.Equal("host", joined.GetProperty("payload").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Required_mode_lets_viewers_join_without_a_token()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required"));
        await using var host = await CreateWithAsync(server, HostTokens.Hs256());
        var code = (await host.ExpectAsync("SESSION_CREATED")).GetProperty("sessionId").GetString()!;
        await using var viewer = await server.ConnectAsync();

        var joined = await viewer.JoinAsync(code);

        Assert.Equal("viewer", joined.GetProperty("payload").GetProperty("role").GetString());
    }

    [Fact]
    public async Task With_host_tokens_off_a_token_is_ignored()
    {
        await using var server = await RelayServer.StartAsync();
        await using var client = await CreateWithAsync(server, "not-a-jwt");

        await client.ExpectAsync("SESSION_CREATED");
    }

    [Fact]
    public async Task Host_mode_without_any_key_fails_at_start()
    {
        await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            async () => await RelayServer.StartAsync(("Relay:HostAuth:Mode", "Required")));
    }

    [Fact]
    public async Task Admin_page_shows_the_host_tokens_subject()
    {
        await using var server = await RelayServer.StartAsync(HostTokens.Settings("Required", ("AdminToken", "admin-secret")));
        await using var host = await CreateWithAsync(server, HostTokens.Hs256("rep-7"));
        await host.ExpectAsync("SESSION_CREATED");

        using var stats = await server.AdminStatsAsync("admin-secret");

        Assert.Equal("rep-7", stats.RootElement.GetProperty("sessionList")[0].GetProperty("host").GetString());
    }
}
