using System.Net;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Abuse;

/// <summary>docs/operations.md, <c>AllowedOrigins</c>: an upgrade from a page of another origin gets 403; one without an Origin passes.</summary>
public sealed class AllowedOriginTests
{
    private static readonly (string, string) Allowed = ("AllowedOrigins", "https://console.example.com, https://*.mirror.example");

    [Theory]
    [InlineData("https://console.example.com")]
    [InlineData("https://shop-12.mirror.example")]
    public async Task An_upgrade_from_an_allowed_origin_is_accepted(string origin)
    {
        await using var server = await RelayServer.StartAsync(Allowed);

        var head = await RawUpgrade.SendAsync(server, IPAddress.Loopback, $"Origin: {origin}\r\n");

        Assert.StartsWith("HTTP/1.1 101", head);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://console.example.com")]
    [InlineData("https://mirror.example")]
    [InlineData("null")]
    public async Task An_upgrade_from_another_origin_is_answered_403(string origin)
    {
        await using var server = await RelayServer.StartAsync(Allowed);

        var head = await RawUpgrade.SendAsync(server, IPAddress.Loopback, $"Origin: {origin}\r\n");

        Assert.StartsWith("HTTP/1.1 403", head);
    }

    [Fact]
    public async Task An_upgrade_without_an_origin_is_accepted()
    {
        await using var server = await RelayServer.StartAsync(Allowed);

        var head = await RawUpgrade.SendAsync(server, IPAddress.Loopback);

        Assert.StartsWith("HTTP/1.1 101", head);
    }

    [Fact]
    public async Task The_HTTP_path_answers_another_origin_with_403()
    {
        await using var server = await RelayServer.StartAsync(Allowed);

        var head = await RawUpgrade.SendAsync(server, IPAddress.Loopback, "Origin: https://evil.example\r\n", viaHttp: true);

        Assert.StartsWith("HTTP/1.1 403", head);
    }

    [Fact]
    public async Task With_no_allowed_origins_any_origin_is_accepted()
    {
        await using var server = await RelayServer.StartAsync();

        var head = await RawUpgrade.SendAsync(server, IPAddress.Loopback, "Origin: https://anything.example\r\n");

        Assert.StartsWith("HTTP/1.1 101", head);
    }
}
