using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Access;

/// <summary>docs/protocol.md, "Join links": CREATE_JOIN_LINK and JOIN_SESSION with payload.joinKey; on both stores.</summary>
public abstract class JoinLinkTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : JoinLinkTests(StoreKind.Memory);
    public sealed class OnRedis() : JoinLinkTests(StoreKind.Redis);

    internal static async Task<string> LinkAsync(TestClient host, object? payload = null)
    {
        await host.SendAsync(payload is null ? new { type = "CREATE_JOIN_LINK", requestId = "l" } : new { type = "CREATE_JOIN_LINK", payload, requestId = "l" });
        var link = await host.SkipUntilAsync("JOIN_LINK");
        Assert.Equal("l", link.GetProperty("requestId").GetString());
        return link.GetProperty("payload").GetProperty("joinKey").GetString()!;
    }

    [Fact]
    public async Task Join_link_has_a_long_key_an_expiry_and_one_use_by_default()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendAsync(new { type = "CREATE_JOIN_LINK" });
        var link = (await host.ExpectAsync("JOIN_LINK")).GetProperty("payload");

        var key = Convert.FromBase64String(link.GetProperty("joinKey").GetString()!.Replace('-', '+').Replace('_', '/'));
        Assert.True(key.Length * 8 >= 128);
        var expiresAt = DateTimeOffset.Parse(link.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(590), TimeSpan.FromSeconds(601));
        Assert.Equal(1, link.GetProperty("uses").GetInt32());
    }

    [Fact]
    public async Task Join_key_alone_joins_its_session()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        var key = await LinkAsync(host);
        await using var viewer = await server.ConnectAsync();

        await viewer.SendAsync(new { type = "JOIN_SESSION", payload = new { joinKey = key } });
        var joined = await viewer.ExpectAsync("SESSION_JOINED");

        Assert.Equal(code, joined.GetProperty("sessionId").GetString());
        Assert.Equal("viewer", joined.GetProperty("payload").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Used_up_join_key_is_invalid()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        var key = await LinkAsync(host);
        await using var first = await server.ConnectAsync();
        await first.SendAsync(new { type = "JOIN_SESSION", sessionId = code, payload = new { joinKey = key } });
        await first.ExpectAsync("SESSION_JOINED");
        await using var second = await server.ConnectAsync();

        await second.SendAsync(new { type = "JOIN_SESSION", sessionId = code, payload = new { joinKey = key } });

        await second.ExpectErrorAsync("JOIN_KEY_INVALID");
    }

    [Fact]
    public async Task Join_key_with_several_uses_joins_that_many_times()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;
        var key = await LinkAsync(host, new { uses = 2 });
        var viewers = new List<TestClient>();
        for (var i = 0; i < 3; i++)
        {
            viewers.Add(await server.ConnectAsync());
            await viewers[i].SendAsync(new { type = "JOIN_SESSION", payload = new { joinKey = key } });
        }

        await viewers[0].ExpectAsync("SESSION_JOINED");
        await viewers[1].ExpectAsync("SESSION_JOINED");
        await viewers[2].ExpectErrorAsync("JOIN_KEY_INVALID");
        foreach (var viewer in viewers) await viewer.DisposeAsync();
    }

    [Fact]
    public async Task Expired_join_key_is_invalid()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;
        var key = await LinkAsync(host, new { ttlSeconds = 1 });
        await Task.Delay(1300);
        await using var viewer = await server.ConnectAsync();

        await viewer.SendAsync(new { type = "JOIN_SESSION", payload = new { joinKey = key } });

        await viewer.ExpectErrorAsync("JOIN_KEY_INVALID");
    }

    [Fact]
    public async Task Join_key_for_another_session_is_invalid()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;
        var (other, otherCode, _) = await server.HostSessionAsync();
        await using var _o = other;
        var key = await LinkAsync(host);
        await using var viewer = await server.ConnectAsync();

        await viewer.SendAsync(new { type = "JOIN_SESSION", sessionId = otherCode, payload = new { joinKey = key } });

        await viewer.ExpectErrorAsync("JOIN_KEY_INVALID");
    }

    [Fact]
    public async Task Unknown_join_key_counts_as_a_failed_join()
    {
        await using var server = await StartRelayAsync(("FailedJoinsPerMinute", "2"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var guesser = await server.ConnectAsync();

        for (var i = 0; i < 2; i++)
        {
            await guesser.SendAsync(new { type = "JOIN_SESSION", payload = new { joinKey = $"guess{i}" } });
            await guesser.ExpectErrorAsync("JOIN_KEY_INVALID");
        }
        await guesser.SendAsync(new { type = "JOIN_SESSION", sessionId = code });

        await guesser.ExpectErrorAsync("RATE_LIMITED");
    }

    [Fact]
    public async Task With_join_by_link_a_typed_code_alone_is_refused_and_a_key_joins()
    {
        await using var server = await StartRelayAsync(("JoinWith", "Link"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var typed = await server.ConnectAsync();

        await typed.SendAsync(new { type = "JOIN_SESSION", sessionId = code });
        await typed.ExpectErrorAsync("JOIN_KEY_REQUIRED");
        var key = await LinkAsync(host);
        await typed.SendAsync(new { type = "JOIN_SESSION", sessionId = code, payload = new { joinKey = key } });

        await typed.ExpectAsync("SESSION_JOINED");
    }

    [Fact]
    public async Task With_join_by_link_the_host_resumes_without_a_key()
    {
        await using var server = await StartRelayAsync(("JoinWith", "Link"));
        var (host, code, resumeToken) = await server.HostSessionAsync();
        await host.DisposeAsync();
        await using var again = await server.ConnectAsync();

        var resumed = await again.JoinAsync(code, resumeToken);

        Assert.Equal("host", resumed.GetProperty("payload").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Join_key_into_a_session_with_admission_waits()
    {
        await using var server = await StartRelayAsync();
        var (host, _) = await AdmissionTests.CreateAsync(server, new { admission = "host" });
        await using var _h = host;
        var key = await LinkAsync(host);
        await using var viewer = await server.ConnectAsync();

        await viewer.SendAsync(new { type = "JOIN_SESSION", payload = new { joinKey = key } });

        await viewer.ExpectAsync("JOIN_PENDING");
        await host.ExpectAsync("JOIN_REQUESTED");
    }

    [Theory]
    [InlineData("""{"ttlSeconds":0}""")]
    [InlineData("""{"ttlSeconds":86401}""")]
    [InlineData("""{"uses":0}""")]
    [InlineData("""{"uses":1001}""")]
    [InlineData("""{"uses":"2"}""")]
    public async Task Join_link_outside_its_limits_is_invalid(string payload)
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendTextAsync($$"""{"type":"CREATE_JOIN_LINK","payload":{{payload}}}""");

        await host.ExpectErrorAsync("INVALID_MESSAGE");
    }

    [Fact]
    public async Task Join_link_lifetime_is_capped_by_max_join_link_seconds()
    {
        await using var server = await StartRelayAsync(("MaxJoinLinkSeconds", "60"));
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendAsync(new { type = "CREATE_JOIN_LINK", payload = new { ttlSeconds = 61 } });
        await host.ExpectErrorAsync("INVALID_MESSAGE");
        await host.SendAsync(new { type = "CREATE_JOIN_LINK" });

        var expiresAt = DateTimeOffset.Parse((await host.ExpectAsync("JOIN_LINK")).GetProperty("payload").GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61));
    }
}
