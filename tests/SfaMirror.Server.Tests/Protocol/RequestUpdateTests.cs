using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "What clients send": <c>REQUEST_CUSTOMER_UPDATE</c> / <c>REQUEST_PRODUCT_UPDATE</c>.</summary>
public abstract class RequestUpdateTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : RequestUpdateTests(StoreKind.Memory);

    public sealed class OnRedis() : RequestUpdateTests(StoreKind.Redis);

    [Theory]
    [InlineData("REQUEST_CUSTOMER_UPDATE", "VIEW_CUSTOMER")]
    [InlineData("REQUEST_PRODUCT_UPDATE", "VIEW_PRODUCT")]
    public async Task Request_replies_with_the_current_state_and_its_seq(string request, string state)
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await host.SendTextAsync($$$"""{"type":"{{{state}}}","payload":{"v":1}}""");
        await host.SendTextAsync($$$"""{"type":"{{{state}}}","payload":{"v":2}}""");
        await viewer.ExpectAsync(state);
        await viewer.ExpectAsync(state);

        await viewer.SendTextAsync($$$"""{"type":"{{{request}}}","sessionId":"{{{code}}}"}""");

        var reply = await viewer.ExpectAsync(state);
        Assert.Equal(code, reply.GetProperty("sessionId").GetString());
        Assert.Equal("""{"v":2}""", reply.GetProperty("payload").GetRawText());
        Assert.Equal(2, reply.GetProperty("seq").GetInt64());
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Request_without_state_and_without_requestId_gets_nothing()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendTextAsync("""{"type":"REQUEST_CUSTOMER_UPDATE"}""");

        await host.ExpectNothingAsync();
    }

    [Theory]
    [InlineData("REQUEST_CUSTOMER_UPDATE")]
    [InlineData("REQUEST_PRODUCT_UPDATE")]
    public async Task Request_without_state_with_requestId_gets_ACK_found_false(string request)
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendTextAsync($$$"""{"type":"{{{request}}}","requestId":"r"}""");

        var ack = await host.ExpectAsync("ACK");
        Assert.Equal(code, ack.GetProperty("sessionId").GetString());
        Assert.Equal("r", ack.GetProperty("requestId").GetString());
        Assert.Equal("""{"found":false}""", ack.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Request_after_the_state_was_cleared_gets_ACK_found_false()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"sku":1}}""");
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":null}""");

        await host.SendTextAsync("""{"type":"REQUEST_PRODUCT_UPDATE","requestId":"r"}""");

        Assert.Equal("""{"found":false}""", (await host.ExpectAsync("ACK")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Joiner_after_the_state_was_cleared_gets_no_state_message()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":1}}""");
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER"}""");
        await host.RoundTripAsync();
        await using var viewer = await server.ConnectAsync();

        await viewer.JoinAsync(code);

        await viewer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Request_of_only_the_other_kind_of_state_gets_ACK_found_false()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":1}}""");

        await host.SendTextAsync("""{"type":"REQUEST_PRODUCT_UPDATE","requestId":5}""");

        Assert.Equal("""{"found":false}""", (await host.ExpectAsync("ACK")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Request_for_an_existing_session_not_joined_is_NOT_IN_SESSION_and_discloses_nothing()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"secret":1}}""");
        await using var outsider = await server.ConnectAsync();

        await outsider.SendTextAsync($$"""{"type":"REQUEST_CUSTOMER_UPDATE","sessionId":"{{code}}"}""");
        await outsider.SendTextAsync("""{"type":"REQUEST_CUSTOMER_UPDATE","sessionId":"ZZZZZZ"}""");

        var existing = await outsider.ExpectErrorAsync("NOT_IN_SESSION");
        var missing = await outsider.ExpectErrorAsync("NOT_IN_SESSION");
        Assert.Equal(existing.GetProperty("payload").GetRawText(), missing.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Request_outside_any_session_without_sessionId_is_SESSION_ID_REQUIRED()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"REQUEST_PRODUCT_UPDATE"}""");

        await client.ExpectErrorAsync("SESSION_ID_REQUIRED");
    }

    [Fact]
    public async Task Zero_is_real_state_for_a_request()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":0}""");

        await host.SendTextAsync("""{"type":"REQUEST_PRODUCT_UPDATE"}""");

        Assert.Equal("0", (await host.ExpectAsync("VIEW_PRODUCT")).GetProperty("payload").GetRawText());
    }
}
