using System.Buffers.Binary;
using SfaMirror.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SfaMirror.Server.Tests.Transport;

/// <summary>
/// A frame header alone costs the relay nothing like the length it announces: the message buffer grows with
/// the bytes that arrive. Measured on a relay in a process of its own, as in production.
/// </summary>
public sealed class PartialFrameMemoryTests(ITestOutputHelper output)
{
    private const int Announced = 1_000_000;

    [Fact]
    public async Task Relay_with_a_256_MiB_heap_keeps_serving_while_400_connections_each_announce_a_megabyte()
    {
        await using var relay = await RelayProcess.StartInMemoryAsync(readOutput: true, ("DOTNET_GCHeapHardLimit", "0x10000000"));
        var sockets = new List<RawWebSocket>();
        try
        {
            for (var i = 0; i < 400; i++)
            {
                sockets.Add(await AnnounceAsync(relay));
                if (i % 100 == 99)
                {
                    await AssertServedAsync(relay);
                }
            }
            await Task.Delay(500);

            await AssertServedAsync(relay);
            Assert.DoesNotContain("OutOfMemory", relay.Output);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Thousand_connections_each_announcing_a_megabyte_cost_about_what_they_sent()
    {
        await using var relay = await RelayProcess.StartInMemoryAsync(readOutput: true);
        var sockets = new List<RawWebSocket>();
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                sockets.Add(await RawWebSocket.ConnectAsync(relay.WebSocketUri));
            }
            await Task.Delay(1000);
            var idle = relay.ResidentBytes();

            foreach (var socket in sockets)
            {
                await socket.SendRawAsync(PartialFrame());
            }
            await Task.Delay(1000);
            var partial = relay.ResidentBytes();

            output.WriteLine($"RSS with 1,000 idle connections: {idle / 1024 / 1024.0:F1} MiB; after each announced a {Announced:N0}-byte frame and sent 16 bytes: {partial / 1024 / 1024.0:F1} MiB ({(partial - idle) / 1000.0 / 1024:F1} KiB per connection)");
            await AssertServedAsync(relay);
            // Buffers of the announced size would be a gigabyte; a few hundred bytes each is a fraction of a megabyte.
            Assert.True(partial - idle < 64L * 1024 * 1024, $"RSS grew by {(partial - idle) / 1024 / 1024} MiB");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    private static async Task<RawWebSocket> AnnounceAsync(RelayProcess relay)
    {
        var socket = await RawWebSocket.ConnectAsync(relay.WebSocketUri);
        await socket.SendRawAsync(PartialFrame());
        return socket;
    }

    /// <summary>A masked text frame's header announcing <see cref="Announced"/> bytes, and the first 16 of them.</summary>
    private static byte[] PartialFrame()
    {
        var frame = new byte[2 + 8 + 4 + 16];
        frame[0] = 0x81;
        frame[1] = 0x80 | 127;
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), Announced);
        "{\"type\":\"PING\", "u8.CopyTo(frame.AsSpan(14)); // masked with a zero mask
        return frame;
    }

    private static async Task AssertServedAsync(RelayProcess relay)
    {
        await using var client = await TestClient.ConnectAsync(relay.WebSocketUri);
        await client.CreateSessionAsync();
    }
}
