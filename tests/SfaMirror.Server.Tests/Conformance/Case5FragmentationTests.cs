using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Conformance;

/// <summary>Autobahn 5.x: fragmented messages are joined, control frames may come between fragments but are never fragmented themselves.</summary>
public sealed class Case5FragmentationTests(ConformanceRelay relay) : IClassFixture<ConformanceRelay>
{
    private const byte Continuation = 0x0;

    [Fact]
    public async Task Fragmented_ping_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync([.. RawWebSocket.Frame(RawWebSocket.Ping, [1], fin: false), .. RawWebSocket.Frame(Continuation, [2])]);

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Fragmented_pong_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendRawAsync([.. RawWebSocket.Frame(RawWebSocket.Pong, [1], fin: false), .. RawWebSocket.Frame(Continuation, [2])]);

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Text_message_in_two_fragments_is_joined(bool inChops)
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.Ping("\"fragmented\"");

        await socket.SendRawAsync([.. RawWebSocket.Frame(RawWebSocket.Text, ping[..10], fin: false), .. RawWebSocket.Frame(Continuation, ping[10..])], pieceBytes: inChops ? 1 : null, pauseMs: 0);

        await Wire.ExpectPongMessageAsync(socket, "\"fragmented\"");
    }

    [Fact]
    public async Task Ping_between_fragments_is_answered_before_the_message()
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.Ping("\"fragmented\"");

        await socket.SendRawAsync([
            .. RawWebSocket.Frame(RawWebSocket.Text, ping[..10], fin: false),
            .. RawWebSocket.Frame(RawWebSocket.Ping, [7]),
            .. RawWebSocket.Frame(Continuation, ping[10..]),
        ]);

        await Wire.ExpectPongFrameAsync(socket, [7]);
        await Wire.ExpectPongMessageAsync(socket, "\"fragmented\"");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Message_in_five_fragments_with_pings_between_them_is_joined(bool inChops)
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.Ping("\"in five fragments\"");
        var size = (ping.Length + 4) / 5;
        var frames = new List<byte>();
        for (var i = 0; i < 5; i++)
        {
            var part = ping.Skip(i * size).Take(size).ToArray();
            frames.AddRange(RawWebSocket.Frame(i == 0 ? RawWebSocket.Text : Continuation, part, fin: i == 4));
            if (i < 4)
            {
                frames.AddRange(RawWebSocket.Frame(RawWebSocket.Ping, [(byte)i]));
            }
        }

        await socket.SendRawAsync([.. frames], pieceBytes: inChops ? 1 : null, pauseMs: 0);

        for (var i = 0; i < 4; i++)
        {
            await Wire.ExpectPongFrameAsync(socket, [(byte)i]);
        }
        await Wire.ExpectPongMessageAsync(socket, "\"in five fragments\"");
    }

    [Fact]
    public async Task Fragments_with_empty_payloads_are_joined()
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.Ping("1");

        await socket.SendRawAsync([
            .. RawWebSocket.Frame(RawWebSocket.Text, [], fin: false),
            .. RawWebSocket.Frame(Continuation, ping, fin: false),
            .. RawWebSocket.Frame(Continuation, []),
        ]);

        await Wire.ExpectPongMessageAsync(socket, "1");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Continuation_without_a_message_fails_the_connection_with_1002(bool fin)
    {
        await using var socket = await relay.ConnectAsync();

        await socket.SendFrameAsync(Continuation, Wire.Ping("1"), fin);

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Continuation_after_a_finished_message_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.Ping("1");

        await socket.SendRawAsync([
            .. RawWebSocket.Frame(RawWebSocket.Text, ping[..5], fin: false),
            .. RawWebSocket.Frame(Continuation, ping[5..]),
            .. RawWebSocket.Frame(Continuation, ping, fin: false),
        ]);

        await Wire.ExpectPongMessageAsync(socket, "1");
        await Wire.ExpectClosedWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Text_frame_inside_a_fragmented_message_fails_the_connection_with_1002()
    {
        await using var socket = await relay.ConnectAsync();
        var ping = Wire.Ping("1");

        await socket.SendRawAsync([.. RawWebSocket.Frame(RawWebSocket.Text, ping[..5], fin: false), .. RawWebSocket.Frame(RawWebSocket.Text, ping[5..])]);

        await Wire.ExpectClosedWithAsync(socket, 1002);
    }
}
