using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Conformance;

/// <summary>
/// Autobahn 9.x, scaled to this relay's limit (<see cref="ConformanceRelay.MaxMessageBytes"/> here, 1 MiB by
/// default): a message up to the limit is read whole however it is framed or chopped; past it, the connection
/// fails with 1009; many small messages are answered in order.
/// </summary>
public sealed class Case9LimitsTests(ConformanceRelay relay) : IClassFixture<ConformanceRelay>
{
    private const int Limit = ConformanceRelay.MaxMessageBytes;

    [Fact]
    public async Task Text_message_at_the_limit_is_read_whole()
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.PingOfLength(Limit);

        await socket.SendFrameAsync(RawWebSocket.Text, ping);

        await Wire.ExpectPongMessageAsync(socket, ping);
    }

    [Fact]
    public async Task Text_message_one_byte_over_the_limit_fails_the_connection_with_1009()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Text, Wire.PingOfLength(Limit + 1));

        await Wire.ExpectClosedWithAsync(socket, 1009);
    }

    [Fact]
    public async Task Frame_announcing_more_than_the_limit_fails_the_connection_before_its_payload()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendTruncatedFrameAsync(Limit + 1, sent: 16);

        await Wire.ExpectClosedWithAsync(socket, 1009);
    }

    [Fact]
    public async Task Binary_message_at_the_limit_is_read_and_answered_as_unsupported()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Binary, Wire.Bytes(Limit, 0xFE));

        await Wire.ExpectErrorAsync(socket, "UNSUPPORTED_FRAME");
    }

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(65536)]
    public async Task Text_message_at_the_limit_in_fragments_is_joined(int fragmentBytes)
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.PingOfLength(Limit);
        var frames = ping.Chunk(fragmentBytes)
            .Select((part, i) => RawWebSocket.Frame(i == 0 ? RawWebSocket.Text : (byte)0x0, part, fin: (i + 1) * fragmentBytes >= ping.Length))
            .SelectMany(f => f).ToArray();

        await socket.SendRawAsync(frames);

        await Wire.ExpectPongMessageAsync(socket, ping);
    }

    [Fact]
    public async Task Fragments_adding_up_past_the_limit_fail_the_connection_with_1009()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(RawWebSocket.Text, Wire.Bytes(Limit / 2, (byte)' '), fin: false);
        await socket.SendFrameAsync(0x0, Wire.Bytes(Limit / 2, (byte)' '), fin: false);
        await socket.SendFrameAsync(0x0, Wire.Bytes(1, (byte)' '));

        await Wire.ExpectClosedWithAsync(socket, 1009);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1024)]
    [InlineData(65536)]
    public async Task Text_message_at_the_limit_sent_in_chops_is_read_whole(int chopBytes)
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.PingOfLength(Limit);

        await socket.SendRawAsync(RawWebSocket.Frame(RawWebSocket.Text, ping), pieceBytes: chopBytes, pauseMs: 0);

        await Wire.ExpectPongMessageAsync(socket, ping);
    }

    [Fact]
    public async Task Thousand_small_messages_are_answered_in_order()
    {
        await using var socket = await relay.ConnectAsync();
        var frames = Enumerable.Range(0, 1000).SelectMany(i => RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping(i.ToString()))).ToArray();

        await socket.SendRawAsync(frames);

        for (var i = 0; i < 1000; i++)
        {
            await Wire.ExpectPongMessageAsync(socket, i.ToString());
        }
    }
}
