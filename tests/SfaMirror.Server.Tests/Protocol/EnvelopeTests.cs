using System.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>docs/protocol.md, "Connecting" and "The envelope": the shape of messages and how each field is read.</summary>
public abstract class EnvelopeTests(StoreKind store) : StoreSpec(store)
{
    public sealed class OnMemory() : EnvelopeTests(StoreKind.Memory);

    public sealed class OnRedis() : EnvelopeTests(StoreKind.Redis);

    [Fact]
    public async Task Upgrade_is_accepted_on_the_ws_path()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync("/ws");

        await client.SendTextAsync("""{"type":"PING"}""");

        await client.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Type_matching_is_exact_so_a_lower_case_type_is_unknown()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"ping","requestId":"r1"}""");

        var error = await client.ExpectErrorAsync("UNKNOWN_TYPE");
        Assert.Equal("r1", error.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Unknown_type_error_echoes_sessionId_as_written()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"DANCE","sessionId":" abc ","requestId":7}""");

        var error = await client.ExpectErrorAsync("UNKNOWN_TYPE");
        Assert.Equal(" abc ", error.GetProperty("sessionId").GetString());
        Assert.Equal("7", error.GetProperty("requestId").GetRawText());
    }

    [Fact]
    public async Task Unknown_fields_are_ignored()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"extra":{"deep":[1,2,{"x":null}]},"type":"PING","version":3,"requestId":"r"}""");

        var pong = await client.ExpectAsync("PONG");
        Assert.Equal("r", pong.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Missing_type_is_an_invalid_message()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"sessionId":"ABCDEF","requestId":"r"}""");

        var error = await client.ExpectErrorAsync("INVALID_MESSAGE");
        Assert.Equal("r", error.GetProperty("requestId").GetString());
    }

    [Theory]
    [InlineData("""{"type":5}""")]
    [InlineData("""{"type":null}""")]
    [InlineData("""{"type":["PING"]}""")]
    public async Task Type_that_is_not_a_string_is_an_invalid_message(string frame)
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync(frame);

        await client.ExpectErrorAsync("INVALID_MESSAGE");
    }

    [Theory]
    [InlineData("""["PING"]""")]
    [InlineData("\"PING\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task Valid_json_that_is_not_an_object_is_an_invalid_message(string frame)
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync(frame);

        await client.ExpectErrorAsync("INVALID_MESSAGE");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"PING" """)]
    [InlineData("""{"type":"PING"} {"type":"PING"}""")]
    [InlineData("")]
    public async Task Text_that_is_not_json_is_invalid_json_with_the_original_message(string frame)
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync(frame);

        var error = await client.ExpectErrorAsync("INVALID_JSON");
        Assert.Equal("Invalid message format", error.GetProperty("payload").GetProperty("message").GetString());
        Assert.False(error.TryGetProperty("requestId", out _));
    }

    [Theory]
    [InlineData("12")]
    [InlineData("{}")]
    [InlineData("[\"ABCDEF\"]")]
    [InlineData("true")]
    public async Task SessionId_that_is_not_a_string_is_an_invalid_message(string sessionId)
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync($$"""{"type":"JOIN_SESSION","sessionId":{{sessionId}},"requestId":"r"}""");

        var error = await client.ExpectErrorAsync("INVALID_MESSAGE");
        Assert.False(error.TryGetProperty("sessionId", out _));
        Assert.Equal("r", error.GetProperty("requestId").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"id\":1}")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("[1]")]
    public async Task RequestId_that_is_not_a_string_or_number_is_an_invalid_message(string requestId)
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync($$"""{"type":"PING","requestId":{{requestId}}}""");

        var error = await client.ExpectErrorAsync("INVALID_MESSAGE");
        Assert.False(error.TryGetProperty("requestId", out _));
    }

    [Fact]
    public async Task Error_echoes_sessionId_exactly_as_the_client_wrote_it()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"VIEW_CUSTOMER","sessionId":"  zzzzzz ","payload":{}}""");

        var error = await client.ExpectErrorAsync("NOT_IN_SESSION");
        Assert.Equal("  zzzzzz ", error.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task Message_nesting_exactly_MaxJsonDepth_levels_is_accepted()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();
        // The envelope is level 1, so a payload of 63 nested arrays makes 64 levels.
        var payload = new string('[', 63) + new string(']', 63);

        await client.SendTextAsync($$"""{"type":"PING","payload":{{payload}}}""");

        var pong = await client.ExpectAsync("PONG");
        Assert.Equal(payload, pong.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Message_nesting_deeper_than_MaxJsonDepth_is_an_invalid_message()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();
        var payload = new string('[', 64) + new string(']', 64);

        await client.SendTextAsync($$"""{"type":"PING","payload":{{payload}},"requestId":"deep"}""");

        var error = await client.ExpectErrorAsync("INVALID_MESSAGE");
        Assert.Equal("deep", error.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Depth_limit_counts_unknown_fields_too()
    {
        await using var server = await StartRelayAsync(("MaxJsonDepth", "4"));
        await using var client = await server.ConnectAsync();

        // Envelope 1, extra 2, a 3, b 4, c 5.
        await client.SendTextAsync("""{"type":"PING","extra":{"a":{"b":{"c":{"d":1}}}}}""");

        await client.ExpectErrorAsync("INVALID_MESSAGE");
    }

    [Fact]
    public async Task Configured_MaxJsonDepth_is_applied()
    {
        await using var server = await StartRelayAsync(("MaxJsonDepth", "4"));
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"type":"PING","payload":{"a":{"b":{"c":1}}}}""");

        await client.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Too_deep_and_malformed_is_invalid_json()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();
        var payload = new string('[', 100) + new string(']', 99) + "}";

        await client.SendTextAsync($$"""{"type":"PING","payload":{{payload}}}""");

        await client.ExpectErrorAsync("INVALID_JSON");
    }

    [Fact]
    public async Task Well_formed_message_nested_thousands_deep_is_an_invalid_message_not_invalid_json()
    {
        await using var server = await StartRelayAsync();
        await using var client = await server.ConnectAsync();
        var payload = new string('[', 5000) + new string(']', 5000);

        await client.SendTextAsync($$"""{"type":"PING","payload":{{payload}}}""");

        await client.ExpectErrorAsync("INVALID_MESSAGE");
    }

    [Fact]
    public async Task Server_frames_are_json_objects_in_text_frames()
    {
        await using var server = await StartRelayAsync();
        await using var raw = await server.ConnectRawAsync();

        await raw.SendTextAsync("""{"type":"PING","payload":"é"}""");

        var frame = await raw.ReadFrameAsync();
        Assert.NotNull(frame);
        Assert.Equal(RawWebSocket.Text, frame.Value.Opcode);
        Assert.Equal("""{"type":"PONG","payload":"é"}""", Encoding.UTF8.GetString(frame.Value.Payload));
    }
}
