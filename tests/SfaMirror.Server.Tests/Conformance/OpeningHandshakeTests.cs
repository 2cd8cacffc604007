using System.Security.Cryptography;
using System.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Conformance;

/// <summary>
/// RFC 6455 4.2: the server's opening handshake. A valid upgrade gets its 101 however it arrives; an invalid
/// one is refused with the status the RFC names (426 for another version, 400 for the rest), on the fast path
/// and on the HTTP pipeline's path alike, and never reaches the page handler.
/// </summary>
public sealed class OpeningHandshakeTests(ConformanceRelay relay) : IClassFixture<ConformanceRelay>
{
    private string Request(string key, string extraHeaders = "") => RawWebSocket.UpgradeRequest(relay.Uri, key, extraHeaders);

    [Fact]
    public async Task Valid_upgrade_is_answered_with_101_and_the_accept_key()
    {
        var key = RawWebSocket.NewKey();

        var response = await HandshakeAsync(Request(key));

        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        Assert.StartsWith("HTTP/1.1 101 ", response);
        Assert.Contains($"\r\nSec-WebSocket-Accept: {accept}\r\n", response);
    }

    [Theory]
    [InlineData("8")]
    [InlineData("12")]
    [InlineData("14")]
    public async Task Other_version_is_refused_with_426_naming_version_13(string version)
    {
        var response = await HandshakeAsync(Request(RawWebSocket.NewKey()).Replace("Sec-WebSocket-Version: 13", $"Sec-WebSocket-Version: {version}"));

        Assert.StartsWith("HTTP/1.1 426 ", response);
        Assert.Contains("\r\nSec-WebSocket-Version: 13\r\n", response, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Missing_version_is_refused_with_426()
    {
        var response = await HandshakeAsync(Request(RawWebSocket.NewKey()).Replace("Sec-WebSocket-Version: 13\r\n", ""));

        Assert.StartsWith("HTTP/1.1 426 ", response);
    }

    [Fact]
    public async Task Missing_key_is_refused_with_400()
    {
        var response = await HandshakeAsync(Request("x").Replace("Sec-WebSocket-Key: x\r\n", ""));

        Assert.StartsWith("HTTP/1.1 400 ", response);
    }

    [Theory]
    [InlineData("c2hvcnQ=")]                         // 5 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]           // 16 bytes without padding
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAA==")]     // 19 bytes
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!==")]         // not base64
    public async Task Key_that_is_not_16_bytes_of_base64_is_refused_with_400(string key)
    {
        var response = await HandshakeAsync(Request(key));

        Assert.StartsWith("HTTP/1.1 400 ", response);
    }

    [Fact]
    public async Task Two_keys_are_refused_with_400()
    {
        var response = await HandshakeAsync(Request(RawWebSocket.NewKey(), $"Sec-WebSocket-Key: {RawWebSocket.NewKey()}\r\n"));

        Assert.StartsWith("HTTP/1.1 400 ", response);
    }

    [Fact]
    public async Task Http_1_0_upgrade_is_refused_with_400()
    {
        var response = await HandshakeAsync(Request(RawWebSocket.NewKey()).Replace(" HTTP/1.1\r\n", " HTTP/1.0\r\n"));

        Assert.StartsWith("HTTP/1.1 400 ", response);
    }

    [Fact]
    public async Task Upgrade_without_connection_upgrade_is_refused_with_400()
    {
        var response = await HandshakeAsync(Request(RawWebSocket.NewKey()).Replace("Connection: Upgrade", "Connection: keep-alive"));

        Assert.StartsWith("HTTP/1.1 400 ", response);
    }

    [Fact]
    public async Task Upgrade_by_a_method_other_than_get_is_refused_with_400()
    {
        var response = await HandshakeAsync(Request(RawWebSocket.NewKey()).Replace("GET ", "POST "));

        Assert.StartsWith("HTTP/1.1 400 ", response);
    }

    [Fact]
    public async Task Refused_upgrade_gets_no_page_and_its_connection_is_closed()
    {
        var (response, socket) = await RawWebSocket.SendHeadAsync(relay.Uri, Request("c2hvcnQ="));
        await using var _ = socket;

        Assert.StartsWith("HTTP/1.1 400 ", response);
        Assert.Contains("\r\nContent-Length: 0\r\n", response, StringComparison.OrdinalIgnoreCase);
        Assert.True(await socket.IsDisconnectedAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Header_names_and_values_in_any_case_are_accepted()
    {
        var key = RawWebSocket.NewKey();
        var request = $"GET / HTTP/1.1\r\nhOST: {relay.Uri.Authority}\r\nUPGRADE: WebSocket\r\nconnection: keep-alive, UPGRADE\r\n" +
            $"sec-websocket-key: {key}\r\nSEC-WEBSOCKET-VERSION: 13\r\n\r\n";

        var response = await HandshakeAsync(request);

        Assert.StartsWith("HTTP/1.1 101 ", response);
    }

    [Fact]
    public async Task Request_arriving_one_byte_at_a_time_is_accepted()
    {
        await using var socket = await RawWebSocket.OpenAsync(relay.Uri);

        await socket.SendRawAsync(Encoding.ASCII.GetBytes(Request(RawWebSocket.NewKey())), pieceBytes: 1, pauseMs: 1);

        Assert.StartsWith("HTTP/1.1 101 ", await socket.ReadHeadAsync());
        await Wire.ExpectOpenAsync(socket);
    }

    [Fact]
    public async Task First_frame_in_the_same_segment_as_the_request_is_read()
    {
        await using var socket = await RawWebSocket.OpenAsync(relay.Uri);

        await socket.SendRawAsync([.. Encoding.ASCII.GetBytes(Request(RawWebSocket.NewKey())), .. RawWebSocket.Frame(RawWebSocket.Text, Wire.Ping("\"first\""))]);

        Assert.StartsWith("HTTP/1.1 101 ", await socket.ReadHeadAsync());
        await Wire.ExpectPongMessageAsync(socket, "\"first\"");
    }

    [Fact]
    public async Task Subprotocol_and_extension_asked_for_are_not_agreed_to()
    {
        var response = await HandshakeAsync(Request(RawWebSocket.NewKey(), "Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Extensions: permessage-deflate\r\n"));

        Assert.StartsWith("HTTP/1.1 101 ", response);
        Assert.DoesNotContain("Sec-WebSocket-Protocol", response, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Sec-WebSocket-Extensions", response, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Upgrade_without_subprotocol_or_extension_gets_none()
    {
        var response = await HandshakeAsync(Request(RawWebSocket.NewKey()));

        Assert.DoesNotContain("Sec-WebSocket-Protocol", response, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Sec-WebSocket-Extensions", response, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8", "426")]
    [InlineData("Sec-WebSocket-Key: ", "Sec-WebSocket-Nonsense: ", "400")]
    [InlineData(" HTTP/1.1\r\nHost", " HTTP/1.1\r\nSec-WebSocket-Key: c2hvcnQ=\r\nHost", "400")]
    public async Task Invalid_upgrade_through_the_http_pipeline_is_refused_the_same_way(string replace, string with, string status)
    {
        // An upgrade after an HTTP request on the same connection is the HTTP pipeline's.
        var (first, socket) = await RawWebSocket.SendHeadAsync(relay.Uri, $"GET /healthz HTTP/1.1\r\nHost: {relay.Uri.Authority}\r\n\r\n");
        await using var _ = socket;
        Assert.StartsWith("HTTP/1.1 200", first);
        await socket.ReadBodyAsync(2);

        var response = await socket.SendHeadAsync(Request(RawWebSocket.NewKey()).Replace(replace, with));

        Assert.StartsWith($"HTTP/1.1 {status} ", response);
        if (status == "426")
        {
            Assert.Contains("\r\nSec-WebSocket-Version: 13\r\n", response, StringComparison.OrdinalIgnoreCase);
        }
    }

    private async Task<string> HandshakeAsync(string request)
    {
        var (response, socket) = await RawWebSocket.SendHeadAsync(relay.Uri, request);
        await socket.DisposeAsync();
        return response;
    }
}
