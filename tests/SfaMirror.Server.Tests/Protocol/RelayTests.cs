using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "What clients send": <c>VIEW_CUSTOMER</c> / <c>VIEW_PRODUCT</c>: stored, relayed to every other member, acknowledged on request.</summary>
public abstract class RelayTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : RelayTests(StoreKind.Memory);

    public sealed class OnRedis() : RelayTests(StoreKind.Redis);

    [Theory]
    [InlineData("VIEW_CUSTOMER")]
    [InlineData("VIEW_PRODUCT")]
    public async Task Update_is_relayed_to_every_other_member_and_not_back_to_the_sender(string type)
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var a = await server.JoinViewerAsync(code, host);
        await using var b = await server.JoinViewerAsync(code, host, a);

        await host.SendTextAsync($$$"""{"type":"{{{type}}}","sessionId":"{{{code}}}","payload":{"x":1}}""");

        foreach (var viewer in new[] { a, b })
        {
            var update = await viewer.ExpectAsync(type);
            Assert.Equal(code, update.GetProperty("sessionId").GetString());
            Assert.Equal("""{"x":1}""", update.GetProperty("payload").GetRawText());
            Assert.Equal(1, update.GetProperty("seq").GetInt64());
        }
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Viewer_updates_are_relayed_to_the_host_too()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await viewer.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":"sku-9"}""");

        Assert.Equal("\"sku-9\"", (await host.ExpectAsync("VIEW_PRODUCT")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Update_does_not_reach_members_of_other_sessions()
    {
        await using var server = await StartRelayAsync();
        var (hostA, codeA, _) = await server.HostSessionAsync();
        var (hostB, codeB, _) = await server.HostSessionAsync();
        await using var _a = hostA;
        await using var _b = hostB;
        await using var viewerB = await server.JoinViewerAsync(codeB, hostB);

        await hostA.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"secret":true}}""");

        await viewerB.ExpectNothingAsync();
        await hostB.ExpectNothingAsync();
    }

    [Fact]
    public async Task ACK_reports_how_many_other_members_the_update_was_delivered_to()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var a = await server.JoinViewerAsync(code, host);
        await using var b = await server.JoinViewerAsync(code, host, a);

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{},"requestId":"r"}""");

        var ack = await host.ExpectAsync("ACK");
        Assert.Equal(code, ack.GetProperty("sessionId").GetString());
        Assert.Equal("""{"delivered":2}""", ack.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task ACK_reports_zero_when_the_sender_is_alone()
    {
        await using var server = await StartRelayAsync();
        var (host, _, _) = await server.HostSessionAsync();
        await using var _h = host;

        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{},"requestId":1}""");

        Assert.Equal(0, (await host.ExpectAsync("ACK")).GetProperty("payload").GetProperty("delivered").GetInt32());
    }

    [Fact]
    public async Task Update_without_requestId_gets_no_ACK()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{}}""");

        await viewer.ExpectAsync("VIEW_CUSTOMER");
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task Seq_takes_the_next_integer_across_both_kinds_clears_included()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":1}}""");
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"sku":1}}""");
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":null}""");
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT"}""");
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":2}}""");

        var expected = new[] { ("VIEW_CUSTOMER", 1), ("VIEW_PRODUCT", 2), ("VIEW_CUSTOMER", 3), ("VIEW_PRODUCT", 4), ("VIEW_CUSTOMER", 5) };
        foreach (var (type, seq) in expected)
        {
            Assert.Equal(seq, (await viewer.ExpectAsync(type)).GetProperty("seq").GetInt64());
        }
    }

    [Fact]
    public async Task Absent_payload_is_relayed_as_payload_null()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER"}""");

        var update = await viewer.ExpectAsync("VIEW_CUSTOMER");
        Assert.Contains("\"payload\":null", update.GetRawText());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("false")]
    [InlineData("\"\"")]
    public async Task Zero_false_and_empty_string_are_real_state_a_joiner_receives(string payload)
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync($$"""{"type":"VIEW_CUSTOMER","payload":{{payload}}}""");
        await host.RoundTripAsync();
        await using var viewer = await server.ConnectAsync();

        await viewer.JoinAsync(code);

        Assert.Equal(payload, (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
    }

    [Theory]
    [InlineData("123456789012345678901234567890")]
    [InlineData("1.0")]
    [InlineData("1.10")]
    [InlineData("-0")]
    [InlineData("1e400")]
    [InlineData("0.1000000000000000055511151231257827")]
    public async Task Numbers_keep_their_exact_text(string number)
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync($$$"""{"type":"VIEW_CUSTOMER","payload":{"n":{{{number}}}}}""");

        Assert.Equal($$"""{"n":{{number}}}""", (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Payload_bytes_are_relayed_unchanged_key_order_whitespace_and_escapes_included()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);
        const string payload = "{ \"z\" : 1,\n\t\"a\":[ 1 , 2 ],  \"\\u00e9\\n\":\"\\/x\", \"dup\":1, \"dup\":2, \"utf\":\"日本\" }";

        await host.SendTextAsync($$"""{"type":"VIEW_CUSTOMER","payload":{{payload}}}""");

        Assert.Equal(payload, (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Stored_payload_reaches_a_late_joiner_byte_for_byte()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        const string payload = "{\"b\":2,  \"a\" :1.50}";
        await host.SendTextAsync($$"""{"type":"VIEW_PRODUCT","payload":{{payload}}}""");
        await host.RoundTripAsync();
        await using var viewer = await server.ConnectAsync();

        await viewer.JoinAsync(code);

        Assert.Equal(payload, (await viewer.ExpectAsync("VIEW_PRODUCT")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Update_defaults_to_the_senders_session()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var viewer = await server.JoinViewerAsync(code, host);

        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":1}}""");

        Assert.Equal(code, (await viewer.ExpectAsync("VIEW_CUSTOMER")).GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task Update_outside_any_session_without_sessionId_is_SESSION_ID_REQUIRED()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{}}""");

        await client.ExpectErrorAsync("SESSION_ID_REQUIRED");
    }

    [Fact]
    public async Task Update_for_an_existing_session_not_joined_is_NOT_IN_SESSION_and_nothing_is_stored_or_relayed()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await using var outsider = await server.ConnectAsync();

        await outsider.SendTextAsync($$"""{"type":"VIEW_CUSTOMER","sessionId":"{{code}}","payload":{"evil":1},"requestId":"x"}""");

        var error = await outsider.ExpectErrorAsync("NOT_IN_SESSION");
        Assert.Equal("x", error.GetProperty("requestId").GetString());
        await host.ExpectNothingAsync();
        await host.SendTextAsync("""{"type":"REQUEST_CUSTOMER_UPDATE","requestId":"q"}""");
        Assert.Equal("""{"found":false}""", (await host.ExpectAsync("ACK")).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Update_for_a_code_no_session_has_is_NOT_IN_SESSION_too()
    {
        await using var server = await StartRelayAsync();
        await using var outsider = await server.ConnectAsync();

        await outsider.SendTextAsync("""{"type":"VIEW_PRODUCT","sessionId":"ZZZZZZ","payload":{}}""");

        await outsider.ExpectErrorAsync("NOT_IN_SESSION");
    }

    [Fact]
    public async Task Member_naming_another_session_is_NOT_IN_SESSION_and_its_own_session_is_untouched()
    {
        await using var server = await StartRelayAsync();
        var (hostA, codeA, _) = await server.HostSessionAsync();
        var (hostB, codeB, _) = await server.HostSessionAsync();
        await using var _a = hostA;
        await using var _b = hostB;
        await using var viewerA = await server.JoinViewerAsync(codeA, hostA);

        await hostA.SendTextAsync($$$"""{"type":"VIEW_CUSTOMER","sessionId":"{{{codeB}}}","payload":{}}""");

        await hostA.ExpectErrorAsync("NOT_IN_SESSION");
        await viewerA.ExpectNothingAsync();
        await hostB.ExpectNothingAsync();
    }

    [Fact]
    public async Task Updates_after_a_clear_start_from_the_next_seq()
    {
        await using var server = await StartRelayAsync();
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":{"id":1}}""");
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","payload":null}""");
        await host.SendTextAsync("""{"type":"VIEW_PRODUCT","payload":{"sku":1}}""");
        await host.RoundTripAsync();
        await using var viewer = await server.ConnectAsync();

        await viewer.JoinAsync(code);

        Assert.Equal(3, (await viewer.ExpectAsync("VIEW_PRODUCT")).GetProperty("seq").GetInt64());
        await viewer.ExpectNothingAsync();
    }
}
