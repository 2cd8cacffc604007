using System.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Conformance;

/// <summary>
/// Autobahn 7.x: the close handshake. Frames before a close are answered, nothing after it is; a valid close
/// is echoed and the TCP connection ends; an invalid code, a one-byte payload or an over-long frame fails with
/// 1002, a reason that is not UTF-8 with 1007.
/// </summary>
public sealed class Case7CloseTests(ConformanceRelay relay) : IClassFixture<ConformanceRelay>
{
    [Fact]
    public async Task Message_then_close_gets_its_answer_then_the_close()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Text, Wire.Ping("\"last\""));
        await socket.SendCloseAsync(1000);

        await Wire.ExpectPongMessageAsync(socket, "\"last\"");
        await Wire.ExpectClosedWithAsync(socket, 1000);
    }

    [Fact]
    public async Task Ping_in_the_same_write_as_a_close_is_answered_before_the_close()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync([.. RawWebSocket.Frame(RawWebSocket.Ping, [42]), .. RawWebSocket.Frame(RawWebSocket.Close, Wire.CloseBody(1000))]);

        await Wire.ExpectPongFrameAsync(socket, [42]);
        await Wire.ExpectClosedWithAsync(socket, 1000);
    }

    [Fact]
    public async Task Ping_just_before_a_close_is_answered_before_the_close()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Ping, [42]);
        await socket.SendCloseAsync(1000);

        await Wire.ExpectPongFrameAsync(socket, [42]);
        await Wire.ExpectClosedWithAsync(socket, 1000);
    }

    [Fact]
    public async Task Messages_and_pings_just_before_a_close_are_all_answered_in_order()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync([
            .. RawWebSocket.Frame(RawWebSocket.Text, Wire.PingOfLength(100_000)),
            .. RawWebSocket.Frame(RawWebSocket.Ping, [1]),
            .. RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("2")),
            .. RawWebSocket.Frame(RawWebSocket.Close, Wire.CloseBody(1000)),
        ]);

        await Wire.ExpectPongMessageAsync(socket, Wire.PingOfLength(100_000));
        await Wire.ExpectPongFrameAsync(socket, [1]);
        await Wire.ExpectPongMessageAsync(socket, "2");
        await Wire.ExpectClosedWithAsync(socket, 1000);
    }

    [Fact]
    public async Task Second_close_is_ignored()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync([.. RawWebSocket.Frame(RawWebSocket.Close, Wire.CloseBody(1000)), .. RawWebSocket.Frame(RawWebSocket.Close, Wire.CloseBody(1001))]);

        await Wire.ExpectClosedWithAsync(socket, 1000);
    }

    [Fact]
    public async Task Ping_after_a_close_is_not_answered()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync([.. RawWebSocket.Frame(RawWebSocket.Close, Wire.CloseBody(1000)), .. RawWebSocket.Frame(RawWebSocket.Ping, [1])]);

        await Wire.ExpectClosedWithAsync(socket, 1000);
    }

    [Fact]
    public async Task Message_after_a_close_is_not_answered()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync([.. RawWebSocket.Frame(RawWebSocket.Close, Wire.CloseBody(1000)), .. RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("1"))]);

        await Wire.ExpectClosedWithAsync(socket, 1000);
    }

    [Fact]
    public async Task Fragmented_message_interrupted_by_a_close_is_dropped()
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.Ping("1");

        await socket.SendRawAsync([
            .. RawWebSocket.Frame(RawWebSocket.Text, ping[..5], fin: false),
            .. RawWebSocket.Frame(RawWebSocket.Close, Wire.CloseBody(1000)),
            .. RawWebSocket.Frame(0x0, ping[5..]),
        ]);

        await Wire.ExpectClosedWithAsync(socket, 1000);
    }

    [Fact]
    public async Task Close_without_a_payload_is_answered_with_1000()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Close, []);

        await Wire.ExpectClosedWithAsync(socket, 1000);
    }

    [Fact]
    public async Task Close_with_a_one_byte_payload_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Close, [0x03]);

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Close_with_a_123_byte_reason_is_echoed()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendCloseAsync(1000, Wire.Bytes(123));

        await Wire.ExpectClosedWithAsync(socket, 1000);
    }

    [Fact]
    public async Task Close_with_a_124_byte_reason_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendCloseAsync(1000, Wire.Bytes(124));

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Close_with_a_valid_utf8_reason_is_echoed()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendCloseAsync(1000, Encoding.UTF8.GetBytes("Hello-µ@ßöäüàá-UTF-8!!"));

        await Wire.ExpectClosedWithAsync(socket, 1000);
    }

    [Fact]
    public async Task Close_with_a_reason_that_is_not_utf8_fails_the_connection_with_1007()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendCloseAsync(1000, Convert.FromHexString("CEBAE1BDB9CF83CEBCCEB5EDA080656469746564"));

        await Wire.ExpectClosedWithAsync(socket, 1007);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1008)]
    [InlineData(1009)]
    [InlineData(1010)]
    [InlineData(1011)]
    [InlineData(3000)]
    [InlineData(3999)]
    [InlineData(4000)]
    [InlineData(4999)]
    public async Task Close_with_a_valid_status_is_echoed(int status)
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendCloseAsync(status);

        await Wire.ExpectClosedWithAsync(socket, status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1006)]
    [InlineData(1012)]
    [InlineData(1013)]
    [InlineData(1014)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(1100)]
    [InlineData(2000)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public async Task Close_with_an_invalid_status_fails_the_connection_with_1002(int status)
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendCloseAsync(status);

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Close_with_status_1005_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendCloseAsync(1005);

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Failed_connection_is_closed_without_waiting_for_the_peers_close()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(0x3, []);

        // The client never answers the close frame; the relay ends the TCP connection anyway, within a second.
        await Wire.ExpectClosedWithAsync(socket, 1002);
    }
}
