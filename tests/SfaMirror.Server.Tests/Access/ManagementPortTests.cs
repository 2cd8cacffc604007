using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using SfaMirror.Server.Tests.Infrastructure;
using SfaMirror.Server.Tests.Observability;

namespace SfaMirror.Server.Tests.Access;

/// <summary><c>Relay:ManagementPort</c>: the operator endpoints on a second listener only, the relay on the public one only.</summary>
[Collection(MetricsCollection.Name)]
public sealed class ManagementPortTests
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(RelayServer Server, HttpClient Public, HttpClient Management)> StartAsync(params (string, string)[] settings)
    {
        var port = FreePort();
        var server = await RelayServer.StartAsync([("ManagementPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("AdminToken", "admin-secret"), .. settings]);
        var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TestClient.DefaultTimeout };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "admin-secret");
        var pub = new HttpClient { BaseAddress = server.BaseUri, Timeout = TestClient.DefaultTimeout };
        pub.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "admin-secret");
        return (server, pub, management);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/readyz")]
    [InlineData("/admin")]
    [InlineData("/admin/api/stats")]
    public async Task Operator_endpoint_is_served_on_the_management_port_and_404_on_the_public_one(string path)
    {
        var (server, pub, management) = await StartAsync();
        await using var _ = server;
        using var __ = pub;
        using var ___ = management;

        using var there = await management.GetAsync(path);
        using var here = await pub.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, there.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, here.StatusCode);
    }

    [Fact]
    public async Task Relay_and_console_are_not_served_on_the_management_port()
    {
        var (server, pub, management) = await StartAsync();
        await using var _ = server;
        using var __ = pub;
        using var ___ = management;

        using var console = await management.GetAsync("/");
        var upgrade = await Assert.ThrowsAnyAsync<Exception>(() => TestClient.ConnectAsync(new Uri($"ws://{management.BaseAddress!.Authority}/")));
        await using var relay = await server.ConnectAsync();
        await relay.RoundTripAsync();

        Assert.Equal(HttpStatusCode.NotFound, console.StatusCode);
        Assert.Contains("404", upgrade.ToString());
    }

    [Fact]
    public async Task Healthz_is_served_on_both_ports()
    {
        var (server, pub, management) = await StartAsync();
        await using var _ = server;
        using var __ = pub;
        using var ___ = management;

        Assert.Equal(HttpStatusCode.OK, (await pub.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Without_a_management_port_operator_endpoints_stay_on_the_one_port()
    {
        await using var server = await RelayServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TestClient.DefaultTimeout };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Management_bind_address_that_is_not_an_address_stops_the_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RelayServer.StartAsync(("ManagementPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)), ("ManagementBindAddress", "intranet")));

        Assert.Contains("ManagementBindAddress", error.Message);
    }
}
