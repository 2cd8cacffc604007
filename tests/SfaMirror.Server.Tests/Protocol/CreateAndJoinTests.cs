using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "What clients send": <c>CREATE_SESSION</c> and <c>JOIN_SESSION</c>.</summary>
public abstract class CreateAndJoinTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : CreateAndJoinTests(StoreKind.Memory);

    public sealed class OnRedis() : CreateAndJoinTests(StoreKind.Redis);

    [Fact]
    public async Task Create_replies_SESSION_CREATED_with_code_role_host_and_resume_token()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"CREATE_SESSION"}""");

        var created = await client.ExpectAsync("SESSION_CREATED");
        var payload = created.GetProperty("payload");
        Assert.Equal(created.GetProperty("sessionId").GetString(), payload.GetProperty("sessionId").GetString());
        Assert.Equal("host", payload.GetProperty("role").GetString());
        Assert.False(string.IsNullOrEmpty(payload.GetProperty("resumeToken").GetString()));
        await client.ExpectNothingAsync();
    }

    [Fact]
    public async Task Create_accepts_an_optional_payload()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"CREATE_SESSION","payload":{"app":"sfa","v":2}}""");

        await client.ExpectAsync("SESSION_CREATED");
    }

    [Fact]
    public async Task Create_while_in_a_session_leaves_that_session_first()
    {
        await using var server = await StartRelayAsync();
        var (host, oldCode, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(oldCode, host);

        var (newCode, _) = await host.CreateSessionAsync();

        Assert.NotEqual(oldCode, newCode);
        var left = await viewer.ExpectAsync("PEER_LEFT");
        Assert.Equal(oldCode, left.GetProperty("sessionId").GetString());
        Assert.Equal("host", left.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("left", left.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Equal(1, left.GetProperty("payload").GetProperty("members").GetInt32());
    }

    [Fact]
    public async Task Join_replies_SESSION_JOINED_as_viewer_with_the_member_count()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.ConnectAsync();

        var joined = await viewer.JoinAsync(code);

        Assert.Equal(code, joined.GetProperty("sessionId").GetString());
        Assert.Equal(code, joined.GetProperty("payload").GetProperty("sessionId").GetString());
        Assert.Equal("viewer", joined.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, joined.GetProperty("payload").GetProperty("members").GetInt32());
    }

    [Fact]
    public async Task Join_notifies_the_other_members_with_PEER_JOINED()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var first = await server.JoinViewerAsync(code, host);
        await using var second = await server.ConnectAsync();

        await second.JoinAsync(code);

        foreach (var member in new[] { host, first })
        {
            var peer = await member.ExpectAsync("PEER_JOINED");
            Assert.Equal(code, peer.GetProperty("sessionId").GetString());
            Assert.Equal("viewer", peer.GetProperty("payload").GetProperty("role").GetString());
            Assert.Equal(3, peer.GetProperty("payload").GetProperty("members").GetInt32());
        }
        await second.ExpectNothingAsync();
    }

    [Fact]
    public async Task Join_without_sessionId_is_SESSION_ID_REQUIRED()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"JOIN_SESSION"}""");

        await client.ExpectErrorAsync("SESSION_ID_REQUIRED");
    }

    [Fact]
    public async Task Join_with_a_code_no_live_session_has_is_SESSION_NOT_FOUND_Invalid_session_ID()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"JOIN_SESSION","sessionId":"ABC234"}""");

        var error = await client.ExpectErrorAsync("SESSION_NOT_FOUND");
        Assert.Equal("Invalid session ID", error.GetProperty("payload").GetProperty("message").GetString());
        Assert.Equal("ABC234", error.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task Join_sends_the_current_customer_then_product_after_the_reply()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"sku":"P-1"}}""");
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":"C-1"}}""");
        await host.RoundTripAsync();
        await using var viewer = await server.ConnectAsync();

        await viewer.JoinAsync(code);

        var customer = await viewer.ExpectAsync("VIEW_CUSTOMER");
        Assert.Equal("""{"id":"C-1"}""", customer.GetProperty("payload").GetRawText());
        Assert.Equal(2, customer.GetProperty("seq").GetInt64());
        Assert.Equal(code, customer.GetProperty("sessionId").GetString());
        var product = await viewer.ExpectAsync("VIEW_PRODUCT");
        Assert.Equal("""{"sku":"P-1"}""", product.GetProperty("payload").GetRawText());
        Assert.Equal(1, product.GetProperty("seq").GetInt64());
        await viewer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Join_of_a_session_without_state_sends_only_the_reply()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.ConnectAsync();

        await viewer.JoinAsync(code);

        await viewer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Join_of_another_session_leaves_the_current_one_first()
    {
        await using var server = await StartRelayAsync();
        var (hostA, codeA, _) = await server.HostSessionAsync();
        var (hostB, codeB, _) = await server.HostSessionAsync();
        await using var _a = hostA;
        await using var _b = hostB;
        await using var viewer = await server.JoinViewerAsync(codeA, hostA);

        var joined = await viewer.JoinAsync(codeB);

        Assert.Equal(codeB, joined.GetProperty("sessionId").GetString());
        var left = await hostA.ExpectAsync("PEER_LEFT");
        Assert.Equal("viewer", left.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal("left", left.GetProperty("payload").GetProperty("reason").GetString());
        await hostB.ExpectAsync("PEER_JOINED");
        await hostA.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":1}""");
        await viewer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Joining_the_session_one_is_in_resends_reply_and_state_and_changes_nothing()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":7}}""");
        await viewer.ExpectAsync("VIEW_CUSTOMER");

        var again = await viewer.JoinAsync(code);

        Assert.Equal("viewer", again.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, again.GetProperty("payload").GetProperty("members").GetInt32());
        Assert.Equal("""{"id":7}""", (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
        await host.ExpectNothingAsync();
        await viewer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Host_rejoining_its_own_session_stays_host_and_nobody_is_told()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        var again = await host.JoinAsync(code);

        Assert.Equal("host", again.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, again.GetProperty("payload").GetProperty("members").GetInt32());
        await viewer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Rejoining_with_a_wrong_token_changes_nothing()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        var again = await viewer.JoinAsync(code, "not-the-token");

        Assert.Equal("viewer", again.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(2, again.GetProperty("payload").GetProperty("members").GetInt32());
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Resume_token_that_is_not_a_string_is_an_invalid_message()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync($$$"""{"type":"JOIN_SESSION","sessionId":"{{{code}}}","payload":{"resumeToken":42}}""");

        await client.ExpectErrorAsync("INVALID_MESSAGE");
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Join_of_an_ended_session_is_SESSION_NOT_FOUND()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"END_SESSION"}""");
        await host.ExpectAsync("SESSION_ENDED");
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}"}""");

        await client.ExpectErrorAsync("SESSION_NOT_FOUND");
    }
}
