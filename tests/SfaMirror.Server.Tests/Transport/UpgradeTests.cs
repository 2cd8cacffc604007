using System.Security.Cryptography;
using System.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Transport;

/// <summary>
/// The opening handshake, which the relay answers itself before HTTP for a plain upgrade of <c>/</c> or
/// <c>/ws</c>, and leaves to Kestrel's HTTP pipeline for everything else.
/// </summary>
public sealed class UpgradeTests
{
    [Fact]
    public async Task Upgrade_is_answered_with_101_and_the_accept_key_of_RFC_6455()
    {
        await using var server = await RelayServer.StartAsync();
        var key = RawWebSocket.NewKey();

        var (response, socket) = await RawWebSocket.SendHeadAsync(server.WebSocketUri, RawWebSocket.UpgradeRequest(server.WebSocketUri, key));
        await using var _ = socket;

        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", response);
        Assert.Contains($"\r\nSec-WebSocket-Accept: {expected}\r\n", response);
        Assert.Contains("\r\nUpgrade: websocket\r\n", response, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Upgraded_connection_speaks_the_protocol()
    {
        await using var server = await RelayServer.StartAsync();
        await using var socket = await RawWebSocket.ConnectAsync(server.WebSocketUri);

        await socket.SendTextAsync("""{"type":"CREATE_SESSION"}""");

        var created = await socket.ReadMessageAsync();
        Assert.Equal("SESSION_CREATED", created?.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Upgrade_whose_head_arrives_in_pieces_is_answered()
    {
        await using var server = await RelayServer.StartAsync();

        var (response, socket) = await RawWebSocket.SendHeadAsync(server.WebSocketUri, RawWebSocket.UpgradeRequest(server.WebSocketUri, RawWebSocket.NewKey()), pieceBytes: 7);
        await using var _ = socket;
        await socket.SendTextAsync("""{"type":"CREATE_SESSION"}""");

        Assert.StartsWith("HTTP/1.1 101", response);
        Assert.Equal("SESSION_CREATED", (await socket.ReadMessageAsync())?.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("/ws")]
    [InlineData("/?client=mirror")]
    public async Task Upgrade_of_the_other_relay_paths_is_answered(string path)
    {
        await using var server = await RelayServer.StartAsync();
        var uri = new Uri(server.WebSocketUri, path);

        var (response, socket) = await RawWebSocket.SendHeadAsync(uri, RawWebSocket.UpgradeRequest(uri, RawWebSocket.NewKey()));
        await using var _ = socket;

        Assert.StartsWith("HTTP/1.1 101", response);
    }

    [Fact]
    public async Task Upgrade_with_a_key_that_is_not_16_bytes_is_not_accepted()
    {
        await using var server = await RelayServer.StartAsync();

        var (response, socket) = await RawWebSocket.SendHeadAsync(server.WebSocketUri, RawWebSocket.UpgradeRequest(server.WebSocketUri, "c2hvcnQ="));
        await using var _ = socket;

        Assert.DoesNotContain(" 101 ", response.Split("\r\n")[0]);
    }

    [Fact]
    public async Task Upgrade_of_an_unknown_websocket_version_is_not_accepted()
    {
        await using var server = await RelayServer.StartAsync();
        var request = RawWebSocket.UpgradeRequest(server.WebSocketUri, RawWebSocket.NewKey()).Replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");

        var (response, socket) = await RawWebSocket.SendHeadAsync(server.WebSocketUri, request);
        await using var _ = socket;

        Assert.DoesNotContain(" 101 ", response.Split("\r\n")[0]);
    }

    [Fact]
    public async Task Plain_http_request_on_the_relay_port_is_served_by_http()
    {
        await using var server = await RelayServer.StartAsync();

        var (response, socket) = await RawWebSocket.SendHeadAsync(server.WebSocketUri, $"GET /healthz HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\n\r\n");
        await using var _ = socket;

        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Equal("ok", await socket.ReadBodyAsync(2));
    }

    [Fact]
    public async Task Upgrade_after_an_http_request_on_the_same_connection_is_answered_by_http()
    {
        await using var server = await RelayServer.StartAsync();
        var (first, socket) = await RawWebSocket.SendHeadAsync(server.WebSocketUri, $"GET /healthz HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\n\r\n");
        await using var _ = socket;
        Assert.Equal("ok", await socket.ReadBodyAsync(2));

        var second = await socket.SendHeadAsync(RawWebSocket.UpgradeRequest(server.WebSocketUri, RawWebSocket.NewKey()));
        await socket.SendTextAsync("""{"type":"CREATE_SESSION"}""");

        Assert.StartsWith("HTTP/1.1 200", first);
        Assert.StartsWith("HTTP/1.1 101", second);
        Assert.Equal("SESSION_CREATED", (await socket.ReadMessageAsync())?.GetProperty("type").GetString());
    }
}
