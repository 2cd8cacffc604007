using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Conformance;

/// <summary>Autobahn 4.x: reserved opcodes, data (3–7) and control (11–15), fail the connection with 1002.</summary>
public sealed class Case4OpcodeTests(ConformanceRelay relay) : IClassFixture<ConformanceRelay>
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task Reserved_data_opcode_fails_the_connection_with_1002(int opcode)
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync((byte)opcode, Wire.Bytes(opcode == 3 ? 0 : 8));

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public async Task Reserved_control_opcode_fails_the_connection_with_1002(int opcode)
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync((byte)opcode, Wire.Bytes(opcode == 11 ? 0 : 8));

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(13)]
    public async Task Message_before_a_reserved_opcode_is_answered_and_a_ping_after_it_is_not(int opcode)
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync([
            .. RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("\"before\"")),
            .. RawWebSocket.Frame((byte)opcode, []),
            .. RawWebSocket.Frame(RawWebSocket.Ping, [1]),
        ]);

        await Wire.ExpectPongMessageAsync(socket, "\"before\"");
        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Reserved_opcode_sent_one_byte_at_a_time_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync(RawWebSocket.Frame(7, Wire.Bytes(8)), pieceBytes: 1, pauseMs: 0);

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }
}
