using System.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Conformance;

/// <summary>
/// Autobahn 6.x: valid UTF-8, whole or split anywhere across fragments, is accepted (here: echoed in a PONG);
/// anything else fails the connection with 1007, and as soon as the bytes that make it invalid arrive.
/// </summary>
public sealed class Case6Utf8Tests(ConformanceRelay relay) : IClassFixture<ConformanceRelay>
{
    private const byte Continuation = 0x0;

    [Fact]
    public async Task Empty_text_in_empty_fragments_is_valid_utf8()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync([.. RawWebSocket.Frame(RawWebSocket.Text, [], fin: false), .. RawWebSocket.Frame(Continuation, [], fin: false), .. RawWebSocket.Frame(Continuation, [])]);

        await Wire.ExpectErrorAsync(socket, "INVALID_JSON");
    }

    [Theory]
    [InlineData("Hello-µ@ßöäüàá-UTF-8!!")]
    [InlineData("κόσμε")]
    [InlineData("\u0080")]      // first 2-byte sequence
    [InlineData("\u0800")]      // first 3-byte sequence
    [InlineData("\U00010000")]  // first 4-byte sequence
    [InlineData("\u007F")]      // last 1-byte sequence
    [InlineData("\u07FF")]      // last 2-byte sequence
    [InlineData("\uFFFF")]      // last 3-byte sequence, a noncharacter
    [InlineData("\U0010FFFF")]  // last code point
    [InlineData("\uD7FF\uE000\uFFFD")] // around the surrogates
    [InlineData("\uFFFE")]
    public async Task Valid_utf8_is_accepted(string text)
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.PingWithString(Encoding.UTF8.GetBytes(text));

        await socket.SendFrameAsync(RawWebSocket.Text, ping);

        await Wire.ExpectPongMessageAsync(socket, ping);
    }

    [Fact]
    public async Task Valid_utf8_in_fragments_of_one_byte_is_accepted()
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.PingWithString(Encoding.UTF8.GetBytes("Hello-µ@ßöäüàá-UTF-8!! κόσμε \U0010FFFF"));
        var frames = ping.Select((b, i) => RawWebSocket.Frame(i == 0 ? RawWebSocket.Text : Continuation, [b], fin: i == ping.Length - 1)).SelectMany(f => f).ToArray();

        await socket.SendRawAsync(frames);

        await Wire.ExpectPongMessageAsync(socket, ping);
    }

    [Fact]
    public async Task Character_split_between_two_fragments_is_accepted()
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.PingWithString("€\U0001F600"u8.ToArray());
        var split = Array.IndexOf(ping, (byte)0xE2) + 1; // inside the euro sign

        await socket.SendRawAsync([.. RawWebSocket.Frame(RawWebSocket.Text, ping[..split], fin: false), .. RawWebSocket.Frame(Continuation, ping[split..])]);

        await Wire.ExpectPongMessageAsync(socket, ping);
    }

    [Theory]
    [InlineData("CEBAE1BDB9CF83CEBCCEB5EDA080656469746564")] // 6.3.1: a surrogate inside κόσμε
    [InlineData("F888808080")]       // 6.8: 5-byte sequence
    [InlineData("FC8480808080")]     // 6.8: 6-byte sequence
    [InlineData("C1BF")]             // 6.9: overlong, largest 2-byte
    [InlineData("E09FBF")]           // 6.9: overlong, largest 3-byte
    [InlineData("F08FBFBF")]         // 6.9: overlong, largest 4-byte
    [InlineData("C0AF")]             // 6.10: overlong slash
    [InlineData("E080AF")]
    [InlineData("F08080AF")]
    [InlineData("EDA080")]           // 6.11: lone high surrogate
    [InlineData("EDBFBF")]           // 6.11: lone low surrogate
    [InlineData("EDA080EDB080")]     // 6.18: a surrogate pair, which UTF-8 never encodes
    [InlineData("80")]               // 6.12: unexpected continuation
    [InlineData("80BF80BF")]
    [InlineData("C020")]             // 6.13: lonely start byte
    [InlineData("E020")]
    [InlineData("DF")]               // 6.14: last continuation byte missing
    [InlineData("EFBF")]
    [InlineData("F48FBF")]
    [InlineData("FE")]               // 6.16: impossible bytes
    [InlineData("FF")]
    [InlineData("F4908080")]         // 6.21: past U+10FFFF
    public async Task Invalid_utf8_fails_the_connection_with_1007(string hex)
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Text, Wire.PingWithString(Convert.FromHexString(hex)));

        await Wire.ExpectClosedWithAsync(socket, 1007);
    }

    [Fact]
    public async Task Invalid_utf8_in_fragments_of_one_byte_fails_the_connection_with_1007()
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.PingWithString(Convert.FromHexString("CEBAE1BDB9CF83CEBCCEB5EDA080656469746564"));
        var frames = ping.Select((b, i) => RawWebSocket.Frame(i == 0 ? RawWebSocket.Text : Continuation, [b], fin: i == ping.Length - 1)).SelectMany(f => f).ToArray();

        await socket.SendRawAsync(frames);

        await Wire.ExpectClosedWithAsync(socket, 1007);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_middle_fragment_fails_the_connection_before_the_message_ends()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Text, "{\"type\":\"PING\",\"payload\":\"κόσμε"u8.ToArray(), fin: false);
        await socket.SendFrameAsync(Continuation, Convert.FromHexString("F4908080"), fin: false);

        // The last fragment is never sent: the relay must fail the connection on the second.
        await Wire.ExpectClosedWithAsync(socket, 1007);
    }

    [Fact]
    public async Task Invalid_utf8_fails_the_connection_before_its_frame_ends()
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.PingWithString([.. "κόσμε"u8.ToArray(), 0xED, 0xA0, 0x80, .. Wire.Bytes(1000, (byte)'x')]);
        var frame = RawWebSocket.Frame(RawWebSocket.Text, ping);
        var upToTheSurrogate = frame.Length - 1000 - "\"}".Length;

        // Only the frame's first part, up to just past the surrogate, is sent.
        await socket.SendRawAsync(frame[..upToTheSurrogate]);

        await Wire.ExpectClosedWithAsync(socket, 1007);
    }
}
