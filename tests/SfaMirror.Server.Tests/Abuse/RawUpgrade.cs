using System.Net;
using System.Net.Sockets;
using System.Text;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Abuse;

/// <summary>
/// Opening handshakes sent by hand from a chosen loopback address, on the fast path (the upgrade is the
/// connection's first request) or through the HTTP pipeline (after a first, plain request on the same connection).
/// </summary>
internal static class RawUpgrade
{
    /// <summary>The response head to an upgrade from <paramref name="from"/>; the connection is closed afterwards.</summary>
    public static async Task<string> SendAsync(RelayServer server, IPAddress from, string extraHeaders = "", bool viaHttp = false)
    {
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        tcp.Bind(new IPEndPoint(from, 0));
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        await tcp.ConnectAsync(server.WebSocketUri.Host, server.WebSocketUri.Port, cts.Token);
        await using var stream = new NetworkStream(tcp);
        if (viaHttp)
        {
            await WriteAsync(stream, $"GET /healthz HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\n\r\n", cts.Token);
            var first = await ReadHeadAsync(stream, cts.Token);
            Assert.StartsWith("HTTP/1.1 200", first);
            await SkipBodyAsync(stream, first, cts.Token);
        }
        await WriteAsync(stream, RawWebSocket.UpgradeRequest(server.WebSocketUri, RawWebSocket.NewKey(), extraHeaders), cts.Token);
        return await ReadHeadAsync(stream, cts.Token);
    }

    /// <summary>The value of <paramref name="name"/> in a response head, or null.</summary>
    public static string? Header(string head, string name) =>
        head.Split("\r\n").Select(l => l.Split(':', 2)).FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))?[1].Trim();

    private static Task WriteAsync(NetworkStream stream, string text, CancellationToken ct) => stream.WriteAsync(Encoding.ASCII.GetBytes(text), ct).AsTask();

    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, ct) == 0)
            {
                throw new IOException($"Closed during the response head after: {head}");
            }
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    private static async Task SkipBodyAsync(NetworkStream stream, string head, CancellationToken ct)
    {
        var length = int.Parse(Header(head, "Content-Length") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, ct);
    }
}
