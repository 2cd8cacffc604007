using System.Buffers.Binary;
using System.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Transport;

/// <summary>RFC 6455 framing as the relay reads and writes it: fragments, control frames, split and batched frames, violations.</summary>
public sealed class FramingTests
{
    private static readonly byte[] CreateSession = Encoding.UTF8.GetBytes("""{"type":"CREATE_SESSION"}""");

    [Fact]
    public async Task Fragmented_text_message_is_reassembled()
    {
        await using var server = await RelayServer.StartAsync();
        await using var socket = await server.ConnectRawAsync();

        await socket.SendFrameAsync(RawWebSocket.Text, CreateSession[..5], fin: false);
        await socket.SendFrameAsync(0x0, CreateSession[5..12], fin: false);
        await socket.SendFrameAsync(0x0, CreateSession[12..], fin: true);

        Assert.Equal("SESSION_CREATED", (await socket.ReadMessageAsync())?.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Ping_between_fragments_is_answered_and_the_message_still_arrives()
    {
        await using var server = await RelayServer.StartAsync();
        await using var socket = await server.ConnectRawAsync();

        await socket.SendFrameAsync(RawWebSocket.Text, CreateSession[..5], fin: false);
        await socket.SendFrameAsync(RawWebSocket.Ping, [7]);
        await socket.SendFrameAsync(0x0, CreateSession[5..], fin: true);

        var pong = await socket.ReadFrameAsync();
        Assert.Equal(RawWebSocket.Pong, pong?.Opcode);
        Assert.Equal("SESSION_CREATED", (await socket.ReadMessageAsync())?.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Ping_frame_is_answered_with_a_pong_carrying_its_payload()
    {
        await using var server = await RelayServer.StartAsync();
        await using var socket = await server.ConnectRawAsync();

        await socket.SendFrameAsync(RawWebSocket.Ping, [1, 2, 3, 4, 5]);

        var pong = await socket.ReadFrameAsync();
        Assert.Equal(RawWebSocket.Pong, pong?.Opcode);
        Assert.Equal([1, 2, 3, 4, 5], pong?.Payload);
    }

    [Fact]
    public async Task Frame_arriving_in_pieces_is_read_whole()
    {
        await using var server = await RelayServer.StartAsync();
        await using var socket = await server.ConnectRawAsync();

        await socket.SendRawAsync(RawWebSocket.Frame(RawWebSocket.Text, CreateSession), pieceBytes: 3);

        Assert.Equal("SESSION_CREATED", (await socket.ReadMessageAsync())?.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Messages_sent_in_one_write_are_each_answered()
    {
        await using var server = await RelayServer.StartAsync();
        await using var socket = await server.ConnectRawAsync();
        var first = RawWebSocket.Frame(RawWebSocket.Text, Encoding.UTF8.GetBytes("""{"type":"PING","payload":1}"""));
        var second = RawWebSocket.Frame(RawWebSocket.Text, Encoding.UTF8.GetBytes("""{"type":"PING","payload":2}"""));

        await socket.SendRawAsync([.. first, .. second]);

        Assert.Equal(1, (await socket.ReadMessageAsync())?.GetProperty("payload").GetInt32());
        Assert.Equal(2, (await socket.ReadMessageAsync())?.GetProperty("payload").GetInt32());
    }

    [Fact]
    public async Task Message_of_64_KiB_and_more_uses_the_long_length_forms_both_ways()
    {
        await using var server = await RelayServer.StartAsync();
        await using var socket = await server.ConnectRawAsync();
        var big = new string('x', 70_000);

        await socket.SendTextAsync($$"""{"type":"PING","payload":"{{big}}"}""");

        Assert.Equal(big, (await socket.ReadMessageAsync())?.GetProperty("payload").GetString());
    }

    [Fact]
    public async Task Unmasked_client_frame_closes_with_1002()
    {
        await using var server = await RelayServer.StartAsync();
        await using var socket = await server.ConnectRawAsync();

        await socket.SendRawAsync(RawWebSocket.Frame(RawWebSocket.Text, CreateSession, masked: false));

        Assert.Null(await socket.ReadMessageAsync());
        Assert.Equal(1002, socket.CloseStatus);
    }

    [Fact]
    public async Task Reserved_opcode_closes_with_1002()
    {
        await using var server = await RelayServer.StartAsync();
        await using var socket = await server.ConnectRawAsync();

        await socket.SendFrameAsync(0x3, CreateSession);

        Assert.Null(await socket.ReadMessageAsync());
        Assert.Equal(1002, socket.CloseStatus);
    }

    [Fact]
    public async Task Close_frame_is_answered_with_a_close_frame()
    {
        await using var server = await RelayServer.StartAsync();
        await using var socket = await server.ConnectRawAsync();
        var status = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(status, 1000);

        await socket.SendFrameAsync(RawWebSocket.Close, status);

        Assert.Null(await socket.ReadMessageAsync());
        Assert.Equal(1000, socket.CloseStatus);
        Assert.True(await socket.IsDisconnectedAsync(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Peer_that_sends_PING_messages_but_no_pong_frames_is_kept()
    {
        // The run lasts well past the timeout; the timeout leaves room for a test host that stalls under parallel tests.
        await using var server = await RelayServer.StartAsync(("KeepAliveIntervalSeconds", "0.2"), ("KeepAliveTimeoutSeconds", "1"));
        await using var socket = await server.ConnectRawAsync();

        // Like a client library that cannot answer ping frames and sends PING messages instead (PROTOCOL.md).
        for (var i = 0; i < 30; i++)
        {
            await socket.SendTextAsync("""{"type":"PING"}""");
            await Task.Delay(100);
        }
        await socket.SendTextAsync("""{"type":"PING","payload":"still here"}""");

        string? last = null;
        while (await socket.ReadMessageAsync(TimeSpan.FromSeconds(2)) is { } message)
        {
            if (message.TryGetProperty("payload", out var payload))
            {
                last = payload.GetString();
                break;
            }
        }
        Assert.Equal("still here", last);
    }
}
