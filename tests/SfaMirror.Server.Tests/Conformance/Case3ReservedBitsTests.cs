using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Conformance;

/// <summary>Autobahn 3.x: no extension was negotiated, so any reserved bit fails the connection with 1002, and only what came before it is answered.</summary>
public sealed class Case3ReservedBitsTests(ConformanceRelay relay) : IClassFixture<ConformanceRelay>
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task Text_frame_with_reserved_bits_fails_the_connection_with_1002(int rsv)
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync(RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("1"), rsv: rsv));

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Message_before_a_frame_with_reserved_bits_is_answered_and_a_ping_after_it_is_not()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync([
            .. RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("\"before\"")),
            .. RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("\"bad\""), rsv: 2),
            .. RawWebSocket.Frame(RawWebSocket.Ping, [1]),
        ]);

        await Wire.ExpectPongMessageAsync(socket, "\"before\"");
        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Reserved_bits_sent_one_byte_at_a_time_fail_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync(RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("1"), rsv: 4), pieceBytes: 1, pauseMs: 0);

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Binary_frame_with_reserved_bits_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync(RawWebSocket.Frame(RawWebSocket.Binary, Wire.Bytes(8, 0xFF), rsv: 5));

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Ping_with_reserved_bits_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync(RawWebSocket.Frame(RawWebSocket.Ping, [1, 2], rsv: 6));

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Close_with_reserved_bits_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync(RawWebSocket.Frame(RawWebSocket.Close, Wire.CloseBody(1000), rsv: 7));

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }
}
