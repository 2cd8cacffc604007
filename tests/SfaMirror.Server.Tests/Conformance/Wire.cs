using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Conformance;

/// <summary>
/// What the conformance cases send and expect. The relay is not an echo server: text goes to it as protocol
/// JSON, most often a <c>PING</c> whose payload the relay echoes in its <c>PONG</c>, byte for byte.
/// </summary>
internal static class Wire
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A <c>PING</c> message carrying <paramref name="payloadJson"/> as its payload.</summary>
    public static byte[] Ping(string payloadJson) => Encoding.UTF8.GetBytes($$"""{"type":"PING","payload":{{payloadJson}}}""");

    /// <summary>A <c>PING</c> message whose payload is a JSON string holding <paramref name="text"/> as raw bytes (which may be invalid UTF-8).</summary>
    public static byte[] PingWithString(byte[] text) => [.. """{"type":"PING","payload":" """u8.ToArray()[..^1], .. text, .. "\"}"u8.ToArray()];

    /// <summary>A <c>PING</c> message of exactly <paramref name="length"/> bytes (a string payload of x's fills it).</summary>
    public static byte[] PingOfLength(int length) => PingWithString(Enumerable.Repeat((byte)'x', length - PingWithString([]).Length).ToArray());

    /// <summary>The next frame, skipping the relay's own keep-alive pings; fails when none comes or the connection ends.</summary>
    public static async Task<(byte Opcode, byte[] Payload)> NextFrameAsync(RawWebSocket socket)
    {
        while (true)
        {
            var frame = await socket.ReadFrameAsync(FrameTimeout) ?? throw new Xunit.Sdk.XunitException("The connection ended where a frame was expected");
            if (frame.Opcode != RawWebSocket.Ping || frame.Payload.Length != 0)
            {
                return frame;
            }
        }
    }

    /// <summary>The next frame must be the <c>PONG</c> message answering a PING with <paramref name="payloadJson"/>.</summary>
    public static async Task ExpectPongMessageAsync(RawWebSocket socket, string payloadJson)
    {
        var (opcode, payload) = await NextFrameAsync(socket);
        Assert.True(opcode == RawWebSocket.Text, $"Expected a text frame, got opcode {opcode}");
        using var message = JsonDocument.Parse(payload);
        Assert.Equal("PONG", message.RootElement.GetProperty("type").GetString());
        Assert.Equal(payloadJson, message.RootElement.GetProperty("payload").GetRawText());
    }

    /// <summary>The next frame must be the <c>PONG</c> for <paramref name="ping"/> (a message built by <see cref="PingWithString"/>), its string echoed byte for byte.</summary>
    public static async Task ExpectPongMessageAsync(RawWebSocket socket, byte[] ping)
    {
        var (opcode, payload) = await NextFrameAsync(socket);
        Assert.Equal(RawWebSocket.Text, opcode);
        var expected = ping[(PingWithString([]).Length - 3)..^1];
        var start = payload.AsSpan().IndexOf("\"payload\":"u8) + "\"payload\":".Length;
        Assert.Equal(expected, payload[start..(start + expected.Length)]);
        Assert.Equal("PONG", JsonDocument.Parse(payload).RootElement.GetProperty("type").GetString());
    }

    /// <summary>The next frame must be an <c>ERROR</c> message with <paramref name="code"/>.</summary>
    public static async Task ExpectErrorAsync(RawWebSocket socket, string code)
    {
        var (opcode, payload) = await NextFrameAsync(socket);
        Assert.Equal(RawWebSocket.Text, opcode);
        using var message = JsonDocument.Parse(payload);
        Assert.Equal("ERROR", message.RootElement.GetProperty("type").GetString());
        Assert.Equal(code, message.RootElement.GetProperty("payload").GetProperty("code").GetString());
    }

    /// <summary>The next frame must be a pong frame carrying <paramref name="payload"/>.</summary>
    public static async Task ExpectPongFrameAsync(RawWebSocket socket, byte[] payload)
    {
        var frame = await NextFrameAsync(socket);
        Assert.Equal(RawWebSocket.Pong, frame.Opcode);
        Assert.Equal(payload, frame.Payload);
    }

    /// <summary>
    /// The next frame must be a close frame with <paramref name="status"/>, and the relay must then end the TCP
    /// connection without waiting for this client (which never answers): within a second.
    /// </summary>
    public static async Task ExpectClosedWithAsync(RawWebSocket socket, int status)
    {
        var (opcode, payload) = await NextFrameAsync(socket);
        Assert.True(opcode == RawWebSocket.Close, $"Expected a close frame, got opcode {opcode}");
        Assert.True(payload.Length >= 2, "The close frame carries no status");
        Assert.Equal(status, BinaryPrimitives.ReadUInt16BigEndian(payload));
        Assert.True(await socket.IsDisconnectedAsync(TimeSpan.FromSeconds(1)), "The TCP connection is still open a second after the close frame");
    }

    /// <summary>The connection still works: a PING sent now is answered, and nothing else came before its PONG.</summary>
    public static async Task ExpectOpenAsync(RawWebSocket socket)
    {
        await socket.SendFrameAsync(RawWebSocket.Text, Ping("\"still open\""));
        await ExpectPongMessageAsync(socket, "\"still open\"");
    }

    public static byte[] Bytes(int count, byte value = (byte)'*') => Enumerable.Repeat(value, count).ToArray();

    /// <summary>A close frame's payload: the status and <paramref name="reason"/> as raw bytes.</summary>
    public static byte[] CloseBody(int status, byte[]? reason = null)
    {
        var body = new byte[2 + (reason?.Length ?? 0)];
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)status);
        reason?.CopyTo(body, 2);
        return body;
    }
}
