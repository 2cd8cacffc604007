using System.Net.WebSockets;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Transport;

public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stopping_the_server_closes_open_connections_with_1012_at_once()
    {
        var server = await RelayServer.StartAsync();
        try
        {
            await using var client = await server.ConnectAsync();
            await client.CreateSessionAsync();

            var stopping = server.StopAsync();

            // Before the fix Kestrel held the socket for the host's 30 s shutdown timeout, then cut it (no status).
            Assert.Equal((WebSocketCloseStatus)1012, await client.WaitClosedAsync(TimeSpan.FromSeconds(5)));
            await client.CloseAsync();
            await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
