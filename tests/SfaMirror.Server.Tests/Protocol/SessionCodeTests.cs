using SfaMirror.Server.Backplane;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "Session codes", and how <c>sessionId</c> is matched ("The envelope").</summary>
public abstract class SessionCodeTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : SessionCodeTests(StoreKind.Memory);

    public sealed class OnRedis() : SessionCodeTests(StoreKind.Redis);

    private const string ReadableAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    [Fact]
    public async Task Created_codes_are_six_characters_from_the_readable_alphabet()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        for (var i = 0; i < 30; i++)
        {
            var (code, _) = await client.CreateSessionAsync();
            Assert.Equal(6, code.Length);
            Assert.All(code, c => Assert.Contains(c, ReadableAlphabet));
        }
    }

    [Fact]
    public async Task Codes_are_unique_among_live_sessions()
    {
        await using var server = await StartRelayAsync();
        var codes = new HashSet<string>();
        var clients = new List<TestClient>();
        try
        {
            for (var i = 0; i < 50; i++)
            {
                var (host, code, _) = await server.HostSessionAsync();
                clients.Add(host);
                Assert.True(codes.Add(code), $"Code {code} handed out twice");
            }
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("lower")]
    [InlineData("  padded\t")]
    [InlineData("\u00a0mixed\n")]
    public async Task Join_matches_the_code_case_insensitively_after_trimming_and_answers_the_canonical_code(string form)
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.ConnectAsync();
        var written = form switch
        {
            "lower" => code.ToLowerInvariant(),
            "  padded\t" => $"  {code}\t",
            _ => $"\u00a0{code[..3].ToLowerInvariant()}{code[3..]}\n",
        };

        var joined = await viewer.JoinAsync(written);

        Assert.Equal(code, joined.GetProperty("sessionId").GetString());
        Assert.Equal(code, joined.GetProperty("payload").GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task Update_naming_the_code_in_lower_case_with_spaces_acts_on_the_session_and_answers_canonically()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync($$"""{"type":"VIEW_CUSTOMER","sessionId":" {{code.ToLowerInvariant()}} ","payload":1,"requestId":"r"}""");

        Assert.Equal(code, (await host.ExpectAsync("ACK")).GetProperty("sessionId").GetString());
        Assert.Equal(code, (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("sessionId").GetString());
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("\"\\t\\n\"")]
    public async Task Join_with_a_null_empty_or_blank_sessionId_is_SESSION_ID_REQUIRED(string sessionId)
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":{{sessionId}}}""");

        var error = await client.ExpectErrorAsync("SESSION_ID_REQUIRED");
        Assert.Equal("Session ID is required", error.GetProperty("payload").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("\" \"")]
    public async Task Update_with_a_null_empty_or_blank_sessionId_acts_on_the_senders_session(string sessionId)
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync($$$"""{"type":"VIEW_PRODUCT","sessionId":{{{sessionId}}},"payload":{"sku":"A"}}""");

        var update = await viewer.ExpectAsync("VIEW_PRODUCT");
        Assert.Equal(code, update.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task Update_with_a_blank_sessionId_outside_any_session_is_SESSION_ID_REQUIRED()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"VIEW_CUSTOMER","sessionId":"  ","payload":{}}""");

        await client.ExpectErrorAsync("SESSION_ID_REQUIRED");
    }

    [Fact]
    public async Task Code_of_an_ended_session_is_not_handed_out_again_within_the_block()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"END_SESSION"}""");
        await host.ExpectAsync("SESSION_ENDED");
        var store = server.GetService<ISessionStore>();

        var status = await store.CreateAsync(code, "test-member", "token", default, CancellationToken.None);

        Assert.Equal(StoreStatus.CodeTaken, status);
    }

    [Fact]
    public async Task Code_of_a_session_deleted_after_its_grace_is_not_handed_out_again_within_the_block()
    {
        await using var server = await StartRelayAsync(("EmptySessionGraceSeconds", "0.1"));
        var (host, code, _) = await server.HostSessionAsync();
        await host.DisposeAsync();
        await using var probe = await server.ConnectAsync();
        await Task.Delay(400);
        await probe.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}"}""");
        await probe.ExpectErrorAsync("SESSION_NOT_FOUND");
        var store = server.GetService<ISessionStore>();

        var status = await store.CreateAsync(code, "test-member", "token", default, CancellationToken.None);

        Assert.Equal(StoreStatus.CodeTaken, status);
    }

    [Fact]
    public async Task Code_of_a_live_session_is_not_handed_out_again()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        var store = server.GetService<ISessionStore>();

        var status = await store.CreateAsync(code, "test-member", "token", default, CancellationToken.None);

        Assert.Equal(StoreStatus.CodeTaken, status);
    }

    [Fact]
    public async Task Code_returns_to_circulation_after_the_reuse_block()
    {
        await using var server = await StartRelayAsync(("CodeReuseBlockSeconds", "0.2"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"END_SESSION"}""");
        await host.ExpectAsync("SESSION_ENDED");
        var store = server.GetService<ISessionStore>();
        await Task.Delay(400);

        var status = await store.CreateAsync(code, "test-member", "token", default, CancellationToken.None);

        Assert.Equal(StoreStatus.Ok, status);
    }
}
