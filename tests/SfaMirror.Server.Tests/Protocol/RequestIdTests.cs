using System.Text.Json;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>
/// docs/protocol.md, "The envelope", <c>requestId</c>: the direct reply to a request carries its <c>requestId</c>
/// back (SESSION_CREATED, SESSION_JOINED, SESSION_LEFT, the requester's SESSION_ENDED, ACK, PONG, ERROR,
/// the state answering REQUEST_*); nothing else ever does.
/// </summary>
public abstract class RequestIdTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : RequestIdTests(StoreKind.Memory);

    public sealed class OnRedis() : RequestIdTests(StoreKind.Redis);

    private static void AssertRequestId(string expectedRaw, JsonElement message) =>
        Assert.Equal(expectedRaw, message.GetProperty("requestId").GetRawText());

    private static void AssertNoRequestId(JsonElement message) =>
        Assert.False(message.TryGetProperty("requestId", out _), $"Unexpected requestId in {message.GetRawText()}");

    [Fact]
    public async Task SESSION_CREATED_carries_the_requestId()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"CREATE_SESSION","requestId":"c-1"}""");

        AssertRequestId("\"c-1\"", await client.ExpectAsync("SESSION_CREATED"));
    }

    [Fact]
    public async Task SESSION_JOINED_carries_the_requestId_but_the_state_after_it_does_not()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"c":1}}""");
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"p":1}}""");
        await host.RoundTripAsync();
        await using var viewer = await server.ConnectAsync();

        await viewer.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}","requestId":12}""");

        AssertRequestId("12", await viewer.ExpectAsync("SESSION_JOINED"));
        AssertNoRequestId(await viewer.ExpectAsync("VIEW_CUSTOMER"));
        AssertNoRequestId(await viewer.ExpectAsync("VIEW_PRODUCT"));
    }

    [Fact]
    public async Task PEER_JOINED_never_carries_the_joiners_requestId()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.ConnectAsync();

        await viewer.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{code}}","requestId":"j"}""");

        AssertNoRequestId(await host.ExpectAsync("PEER_JOINED"));
    }

    [Fact]
    public async Task SESSION_LEFT_carries_the_requestId_and_PEER_LEFT_does_not()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendTextAsync("""{"type":"LEAVE_SESSION","requestId":"bye"}""");

        AssertRequestId("\"bye\"", await viewer.ExpectAsync("SESSION_LEFT"));
        AssertNoRequestId(await host.ExpectAsync("PEER_LEFT"));
    }

    [Fact]
    public async Task Only_the_requesters_SESSION_ENDED_carries_the_requestId()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync("""{"type":"END_SESSION","requestId":99.5}""");

        AssertRequestId("99.5", await host.ExpectAsync("SESSION_ENDED"));
        AssertNoRequestId(await viewer.ExpectAsync("SESSION_ENDED"));
    }

    [Fact]
    public async Task ACK_carries_the_requestId_and_the_relayed_update_does_not()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":1},"requestId":"u1"}""");

        AssertRequestId("\"u1\"", await host.ExpectAsync("ACK"));
        AssertNoRequestId(await viewer.ExpectAsync("VIEW_CUSTOMER"));
    }

    [Fact]
    public async Task PONG_carries_the_requestId()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"PING","requestId":"p"}""");

        AssertRequestId("\"p\"", await client.ExpectAsync("PONG"));
    }

    [Fact]
    public async Task ERROR_carries_the_requestId()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"JOIN_SESSION","sessionId":"ZZZZZZ","requestId":"e"}""");

        AssertRequestId("\"e\"", await client.ExpectErrorAsync("SESSION_NOT_FOUND"));
    }

    [Fact]
    public async Task State_answering_REQUEST_CUSTOMER_UPDATE_carries_the_requestId()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":1}}""");

        await host.SendTextAsync("""{"type":"REQUEST_CUSTOMER_UPDATE","requestId":"q"}""");

        AssertRequestId("\"q\"", await host.ExpectAsync("VIEW_CUSTOMER"));
    }

    [Fact]
    public async Task State_answering_REQUEST_PRODUCT_UPDATE_carries_the_requestId()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"id":1}}""");

        await host.SendTextAsync("""{"type":"REQUEST_PRODUCT_UPDATE","requestId":3}""");

        AssertRequestId("3", await host.ExpectAsync("VIEW_PRODUCT"));
    }

    [Fact]
    public async Task State_answering_a_request_without_requestId_carries_none()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"id":1}}""");

        await host.SendTextAsync("""{"type":"REQUEST_PRODUCT_UPDATE"}""");

        AssertNoRequestId(await host.ExpectAsync("VIEW_PRODUCT"));
    }

    [Fact]
    public async Task A_later_state_reply_without_requestId_does_not_carry_an_earlier_requests_id()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":1}}""");
        await viewer.ExpectAsync("VIEW_CUSTOMER");

        await viewer.SendTextAsync("""{"type":"REQUEST_CUSTOMER_UPDATE","requestId":"first"}""");
        await viewer.ExpectAsync("VIEW_CUSTOMER");
        await using var late = await server.JoinViewerAsync(code, host, viewer);

        AssertNoRequestId(await late.ExpectAsync("VIEW_CUSTOMER"));
    }

    [Fact]
    public async Task Null_requestId_counts_as_absent()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"PING","requestId":null}""");

        AssertNoRequestId(await client.ExpectAsync("PONG"));
    }

    [Fact]
    public async Task Numeric_requestId_keeps_its_exact_text()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"PING","requestId":123456789012345678901234567890.50e-3}""");

        AssertRequestId("123456789012345678901234567890.50e-3", await client.ExpectAsync("PONG"));
    }

    [Fact]
    public async Task String_requestId_keeps_its_exact_text_escapes_included()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"PING","requestId":"a\u00e9\"b"}""");

        AssertRequestId("\"a\\u00e9\\\"b\"", await client.ExpectAsync("PONG"));
    }

    [Fact]
    public async Task RATE_LIMITED_carries_the_requestId_of_the_refused_message()
    {
        await using var server = await StartRelayAsync(("MessagesPerSecond", "1"), ("MessageBurst", "1"));
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"PING","requestId":"ok"}""");
        await client.SendTextAsync("""{"type":"PING","requestId":"refused"}""");

        await client.ExpectAsync("PONG");
        AssertRequestId("\"refused\"", await client.ExpectErrorAsync("RATE_LIMITED"));
    }
}
