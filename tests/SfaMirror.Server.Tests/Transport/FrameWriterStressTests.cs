using System.Text;
using System.Text.Json;
using SfaMirror.Server.Protocol;
using SfaMirror.Server.Tests.Infrastructure;
using SfaMirror.Server.Transport;

namespace SfaMirror.Server.Tests.Transport;

/// <summary>
/// The one-writer rule under load: many threads send on one connection, some inside a receive-like
/// <see cref="DeferredWakes"/> scope (so the waking thread writes inline), while the client pings and the
/// relay sends keep-alive pings, and a client that reads in bursts makes the socket fill. Every frame the
/// client reads must parse, and every sender's sequence must arrive whole, once, in order.
/// </summary>
public sealed class FrameWriterStressTests
{
    private const int Senders = 8;
    private const int FramesPerSender = 2000;
    private const int Pings = 300;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_senders_and_control_frames_never_interleave_corrupt_or_lose_a_frame(bool throughHttpPipeline)
    {
        await using var server = await RelayServer.StartAsync(
            ("MaxQueuedBytes", (512 * 1024 * 1024).ToString()),
            ("KeepAliveIntervalSeconds", "0.05"),
            ("KeepAliveTimeoutSeconds", "60"),
            ("SendTimeoutSeconds", "60"));
        await using var socket = await ConnectAsync(server, throughHttpPipeline);
        var connection = await SingleConnectionAsync(server);

        var reading = Task.Run(() => ReadAllAsync(socket));
        var pinging = Task.Run(async () =>
        {
            for (var i = 0; i < Pings; i++)
            {
                await socket.SendFrameAsync(RawWebSocket.Ping, Encoding.ASCII.GetBytes(i.ToString()));
                await Task.Delay(1);
            }
        });
        var sending = Enumerable.Range(0, Senders).Select(s => Task.Factory.StartNew(() => Send(connection, s), TaskCreationOptions.LongRunning)).ToArray();

        await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(60));
        await pinging.WaitAsync(TimeSpan.FromSeconds(60));
        var (next, pongs) = await reading.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(next, n => Assert.Equal(FramesPerSender, n));
        Assert.Equal(Pings, pongs);
    }

    private static void Send(RelayConnection connection, int sender)
    {
        var random = new Random(sender);
        var inline = sender % 2 == 0;
        for (var n = 0; n < FramesPerSender; n++)
        {
            // Sizes from a few bytes to several kilobytes, so that batches and partly written sends happen.
            var pad = new string('p', random.Next(0, random.Next(2) == 0 ? 64 : 6000));
            var frame = Encoding.UTF8.GetBytes($$"""{"s":{{sender}},"n":{{n}},"p":"{{pad}}"}""");
            if (inline)
            {
                var scope = DeferredWakes.Begin();
                try
                {
                    connection.Send(new OutboundFrame(frame));
                }
                finally
                {
                    scope?.End();
                }
            }
            else
            {
                connection.Send(new OutboundFrame(frame));
            }
        }
    }

    /// <summary>Reads until every sender's last frame and every pong arrived; returns the next expected sequence number per sender and the pongs seen.</summary>
    private static async Task<(int[] Next, int Pongs)> ReadAllAsync(RawWebSocket socket)
    {
        var next = new int[Senders];
        var pongs = 0;
        var frames = 0;
        while (next.Any(n => n < FramesPerSender) || pongs < Pings)
        {
            var frame = await socket.ReadFrameAsync(TimeSpan.FromSeconds(20)) ?? throw new Xunit.Sdk.XunitException("The connection ended");
            switch (frame.Opcode)
            {
                case RawWebSocket.Text:
                    using (var message = JsonDocument.Parse(frame.Payload))
                    {
                        var s = message.RootElement.GetProperty("s").GetInt32();
                        var n = message.RootElement.GetProperty("n").GetInt32();
                        Assert.True(n == next[s], $"sender {s}: got {n}, expected {next[s]}");
                        next[s]++;
                    }
                    break;
                case RawWebSocket.Pong:
                    Assert.Equal(pongs.ToString(), Encoding.ASCII.GetString(frame.Payload));
                    pongs++;
                    break;
                case RawWebSocket.Ping:
                    Assert.Empty(frame.Payload); // the relay's keep-alive
                    break;
                default:
                    throw new Xunit.Sdk.XunitException($"Unexpected frame, opcode {frame.Opcode}");
            }
            // Reading in bursts lets the socket fill, so that writes are partial and wait for room.
            if (++frames % 1000 == 0)
            {
                await Task.Delay(30);
            }
        }
        return (next, pongs);
    }

    private static async Task<RawWebSocket> ConnectAsync(RelayServer server, bool throughHttpPipeline)
    {
        if (!throughHttpPipeline)
        {
            return await RawWebSocket.ConnectAsync(server.WebSocketUri, receiveBufferBytes: 8192);
        }
        // An upgrade after an HTTP request on the same connection goes through the HTTP pipeline and writes to its output pipe.
        var (_, socket) = await RawWebSocket.SendHeadAsync(server.WebSocketUri, $"GET /healthz HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\n\r\n", receiveBufferBytes: 8192);
        await socket.ReadBodyAsync(2);
        Assert.StartsWith("HTTP/1.1 101", await socket.SendHeadAsync(RawWebSocket.UpgradeRequest(server.WebSocketUri, RawWebSocket.NewKey())));
        return socket;
    }

    private static async Task<RelayConnection> SingleConnectionAsync(RelayServer server)
    {
        var tracker = server.GetService<ConnectionTracker>();
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        while (true)
        {
            if (tracker.Snapshot().FirstOrDefault() is { } connection)
            {
                return connection;
            }
            await Task.Delay(10, cts.Token);
        }
    }
}
