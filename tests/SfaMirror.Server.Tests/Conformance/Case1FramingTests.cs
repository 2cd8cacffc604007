using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Conformance;

/// <summary>Autobahn 1.x: text and binary frames of every length form, whole and sent in chops.</summary>
public sealed class Case1FramingTests(ConformanceRelay relay) : IClassFixture<ConformanceRelay>
{
    [Theory]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(65535)]
    [InlineData(65536)]
    public async Task Text_message_of_each_length_form_is_read_whole(int length)
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.PingOfLength(length);

        await socket.SendFrameAsync(RawWebSocket.Text, ping);

        await Wire.ExpectPongMessageAsync(socket, ping);
    }

    [Fact]
    public async Task Empty_text_message_is_read_and_answered_as_invalid_json()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Text, []);

        await Wire.ExpectErrorAsync(socket, "INVALID_JSON");
        await Wire.ExpectOpenAsync(socket);
    }

    [Fact]
    public async Task Text_message_of_65536_bytes_sent_in_chops_of_997_bytes_is_read_whole()
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.PingOfLength(65536);

        await socket.SendRawAsync(RawWebSocket.Frame(RawWebSocket.Text, ping), pieceBytes: 997, pauseMs: 0);

        await Wire.ExpectPongMessageAsync(socket, ping);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65536)]
    public async Task Binary_message_of_each_length_form_is_answered_as_unsupported_and_the_connection_stays_open(int length)
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Binary, Wire.Bytes(length, 0xFE));

        await Wire.ExpectErrorAsync(socket, "UNSUPPORTED_FRAME");
        await Wire.ExpectOpenAsync(socket);
    }

    [Fact]
    public async Task Frames_sent_in_one_write_are_each_read()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync([.. RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("1")), .. RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("2")), .. RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("3"))]);

        await Wire.ExpectPongMessageAsync(socket, "1");
        await Wire.ExpectPongMessageAsync(socket, "2");
        await Wire.ExpectPongMessageAsync(socket, "3");
    }

    [Fact]
    public async Task Unmasked_frame_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync(RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("1"), masked: false));

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }
}
