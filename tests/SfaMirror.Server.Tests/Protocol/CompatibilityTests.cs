using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>
/// The exchange the original SFA and Mirror apps perform (seed/original-README.md), byte for byte as they
/// send it: they know nothing of roles, tokens, seq or request ids, and must keep working.
/// </summary>
public abstract class CompatibilityTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : CompatibilityTests(StoreKind.Memory);

    public sealed class OnRedis() : CompatibilityTests(StoreKind.Redis);

    [Fact]
    public async Task Original_apps_create_join_mirror_and_request_a_customer()
    {
        await using var server = await StartRelayAsync();
        await using var sfa = await server.ConnectAsync();
        await using var mirror = await server.ConnectAsync();

        await sfa.SendTextAsync("""{"type":"CREATE_SESSION"}""");
        var created = await sfa.ExpectAsync("SESSION_CREATED");
        var sessionId = created.GetProperty("payload").GetProperty("sessionId").GetString()!;

        await mirror.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{sessionId}}"}""");
        await mirror.ExpectAsync("SESSION_JOINED");

        await sfa.SendTextAsync($$$$"""{"sessionId":"{{{{sessionId}}}}","type":"VIEW_CUSTOMER","payload":{"customerInfo":{"id":"C042","name":"Dupont","visits":3}}}""");
        var viewed = await mirror.SkipUntilAsync("VIEW_CUSTOMER");
        Assert.Equal("""{"customerInfo":{"id":"C042","name":"Dupont","visits":3}}""", viewed.GetProperty("payload").GetRawText());
        Assert.Equal("Dupont", viewed.GetProperty("payload").GetProperty("customerInfo").GetProperty("name").GetString());

        await mirror.SendTextAsync($$"""{"type":"REQUEST_CUSTOMER_UPDATE","sessionId":"{{sessionId}}"}""");
        var requested = await mirror.ExpectAsync("VIEW_CUSTOMER");
        Assert.Equal("""{"customerInfo":{"id":"C042","name":"Dupont","visits":3}}""", requested.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Original_mirror_joining_after_the_customer_was_chosen_is_shown_it()
    {
        await using var server = await StartRelayAsync();
        await using var sfa = await server.ConnectAsync();
        await sfa.SendTextAsync("""{"type":"CREATE_SESSION"}""");
        var sessionId = (await sfa.ExpectAsync("SESSION_CREATED")).GetProperty("payload").GetProperty("sessionId").GetString()!;
        await sfa.SendTextAsync($$$$"""{"sessionId":"{{{{sessionId}}}}","type":"VIEW_CUSTOMER","payload":{"customerInfo":{"id":1}}}""");
        await sfa.RoundTripAsync();
        await using var mirror = await server.ConnectAsync();

        await mirror.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{sessionId}}"}""");

        await mirror.ExpectAsync("SESSION_JOINED");
        Assert.Equal("""{"customerInfo":{"id":1}}""", (await mirror.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Original_app_with_a_bad_code_gets_ERROR_Invalid_session_ID()
    {
        await using var server = await StartRelayAsync();
        await using var mirror = await server.ConnectAsync();

        await mirror.SendTextAsync("""{"type":"JOIN_SESSION","sessionId":"ABC123"}""");

        var error = await mirror.ExpectAsync("ERROR");
        Assert.Equal("Invalid session ID", error.GetProperty("payload").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Original_app_sending_non_json_gets_ERROR_Invalid_message_format()
    {
        await using var server = await StartRelayAsync();
        await using var mirror = await server.ConnectAsync();

        await mirror.SendTextAsync("hello?");

        var error = await mirror.ExpectAsync("ERROR");
        Assert.Equal("Invalid message format", error.GetProperty("payload").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Original_apps_VIEW_PRODUCT_reaches_the_mirror()
    {
        await using var server = await StartRelayAsync();
        await using var sfa = await server.ConnectAsync();
        await using var mirror = await server.ConnectAsync();
        await sfa.SendTextAsync("""{"type":"CREATE_SESSION"}""");
        var sessionId = (await sfa.ExpectAsync("SESSION_CREATED")).GetProperty("payload").GetProperty("sessionId").GetString()!;
        await mirror.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":"{{sessionId}}"}""");
        await mirror.ExpectAsync("SESSION_JOINED");

        await sfa.SendTextAsync($$$$"""{"sessionId":"{{{{sessionId}}}}","type":"VIEW_PRODUCT","payload":{"productInfo":{"sku":"X1"}}}""");

        Assert.Equal("""{"productInfo":{"sku":"X1"}}""", (await mirror.ExpectAsync("VIEW_PRODUCT")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Every_server_message_has_a_type_and_errors_have_a_payload_message()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"REQUEST_CUSTOMER_UPDATE","sessionId":"ABC123"}""");

        var error = await client.ReceiveAsync();
        Assert.Equal("ERROR", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("payload").GetProperty("message").GetString()));
    }
}
