using System.Diagnostics;
using System.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Transport;

/// <summary><c>HandshakeTimeoutSeconds</c>: a connection that does not finish its request head in time is cut, and such connections cost others nothing.</summary>
public sealed class HandshakeTimeoutTests
{
    [Fact]
    public async Task Connection_that_sends_nothing_is_cut_after_the_handshake_timeout()
    {
        await using var server = await RelayServer.StartAsync(("HandshakeTimeoutSeconds", "0.5"));
        var elapsed = Stopwatch.StartNew();
        await using var socket = await RawWebSocket.OpenAsync(server.WebSocketUri);

        Assert.True(await socket.IsDisconnectedAsync(TimeSpan.FromSeconds(5)));
        Assert.True(elapsed.Elapsed >= TimeSpan.FromSeconds(0.4), $"cut after {elapsed.Elapsed}, before the timeout");
    }

    [Theory]
    [InlineData("GET / HT")]
    [InlineData("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n")]
    public async Task Connection_that_stops_in_the_middle_of_its_request_is_cut_after_the_handshake_timeout(string partial)
    {
        await using var server = await RelayServer.StartAsync(("HandshakeTimeoutSeconds", "0.5"));
        await using var socket = await RawWebSocket.OpenAsync(server.WebSocketUri);

        await socket.SendRawAsync(Encoding.ASCII.GetBytes(partial));

        Assert.True(await socket.IsDisconnectedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Five_hundred_stalled_connections_do_not_slow_a_new_client_and_are_all_cut()
    {
        await using var server = await RelayServer.StartAsync(("HandshakeTimeoutSeconds", "3"));
        var stalled = new List<RawWebSocket>();
        try
        {
            for (var i = 0; i < 500; i++)
            {
                var socket = await RawWebSocket.OpenAsync(server.WebSocketUri);
                stalled.Add(socket);
                await socket.SendRawAsync(Encoding.ASCII.GetBytes(i % 2 == 0 ? "GET / HTTP/1.1\r\nHost: x\r\n" : "GET /"));
            }

            var served = Stopwatch.StartNew();
            await using (var client = await server.ConnectAsync())
            {
                await client.CreateSessionAsync();
            }
            // Generous for a loaded two-core machine; a client queued behind the stalled ones would wait for the timeout (3 s).
            Assert.True(served.Elapsed < TimeSpan.FromSeconds(2), $"a new client took {served.Elapsed} to create a session");

            var cut = await Task.WhenAll(stalled.Select(s => s.IsDisconnectedAsync(TimeSpan.FromSeconds(10))));
            Assert.All(cut, Assert.True);
        }
        finally
        {
            foreach (var socket in stalled)
            {
                await socket.DisposeAsync();
            }
        }
    }
}
