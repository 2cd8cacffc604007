using System.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Conformance;

/// <summary>Autobahn 2.x: pings are answered with their payload, pongs need no answer, control frames stay within 125 bytes.</summary>
public sealed class Case2PingPongTests(ConformanceRelay relay) : IClassFixture<ConformanceRelay>
{
    [Fact]
    public async Task Ping_without_payload_is_answered_with_an_empty_pong()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Ping, []);

        await Wire.ExpectPongFrameAsync(socket, []);
    }

    [Fact]
    public async Task Ping_with_a_text_payload_is_answered_with_the_same_payload()
    {
        await using var socket = await relay.ConnectAsync();
        var payload = Encoding.UTF8.GetBytes("Hello, world!");

        await socket.SendFrameAsync(RawWebSocket.Ping, payload);

        await Wire.ExpectPongFrameAsync(socket, payload);
    }

    [Fact]
    public async Task Ping_with_a_binary_payload_is_answered_with_the_same_payload()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Ping, [0x00, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x00, 0xFF]);

        await Wire.ExpectPongFrameAsync(socket, [0x00, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x00, 0xFF]);
    }

    [Fact]
    public async Task Ping_with_a_125_byte_payload_is_answered()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Ping, Wire.Bytes(125, 0xFE));

        await Wire.ExpectPongFrameAsync(socket, Wire.Bytes(125, 0xFE));
    }

    [Fact]
    public async Task Ping_with_a_126_byte_payload_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Ping, Wire.Bytes(126, 0xFE));

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Ping_sent_one_byte_at_a_time_is_answered()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync(RawWebSocket.Frame(RawWebSocket.Ping, Wire.Bytes(125, 0xFE)), pieceBytes: 1, pauseMs: 0);

        await Wire.ExpectPongFrameAsync(socket, Wire.Bytes(125, 0xFE));
    }

    [Fact]
    public async Task Unsolicited_pong_without_payload_is_ignored()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Pong, []);

        await Wire.ExpectOpenAsync(socket);
    }

    [Fact]
    public async Task Unsolicited_pong_with_payload_is_ignored()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Pong, Encoding.UTF8.GetBytes("unsolicited pong payload"));

        await Wire.ExpectOpenAsync(socket);
    }

    [Fact]
    public async Task Unsolicited_pong_then_ping_gets_only_the_pong_for_the_ping()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Pong, Encoding.UTF8.GetBytes("unsolicited"));
        await socket.SendFrameAsync(RawWebSocket.Ping, Encoding.UTF8.GetBytes("solicited"));

        await Wire.ExpectPongFrameAsync(socket, Encoding.UTF8.GetBytes("solicited"));
        await Wire.ExpectOpenAsync(socket);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ten_pings_get_ten_pongs_in_order(bool inChops)
    {
        await using var socket = await relay.ConnectAsync();
        var frames = Enumerable.Range(0, 10).SelectMany(i => RawWebSocket.Frame(RawWebSocket.Ping, Encoding.UTF8.GetBytes($"payload-{i}"))).ToArray();

        await socket.SendRawAsync(frames, pieceBytes: inChops ? 1 : null, pauseMs: 0);

        for (var i = 0; i < 10; i++)
        {
            await Wire.ExpectPongFrameAsync(socket, Encoding.UTF8.GetBytes($"payload-{i}"));
        }
    }
}
