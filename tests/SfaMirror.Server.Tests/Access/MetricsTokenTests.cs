using System.Net;
using System.Net.Http.Headers;
using SfaMirror.Server.Tests.Infrastructure;
using SfaMirror.Server.Tests.Observability;

namespace SfaMirror.Server.Tests.Access;

/// <summary><c>Relay:MetricsToken</c>: <c>/metrics</c> only for whoever presents the bearer token.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTokenTests
{
    [Fact]
    public async Task Metrics_answer_401_without_the_token_when_one_is_set()
    {
        await using var server = await RelayServer.StartAsync(("MetricsToken", "scrape-secret"));
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TestClient.DefaultTimeout };

        using var response = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_answer_401_with_a_wrong_token()
    {
        await using var server = await RelayServer.StartAsync(("MetricsToken", "scrape-secret"));
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TestClient.DefaultTimeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "guess");

        using var response = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_are_served_with_the_token()
    {
        await using var server = await RelayServer.StartAsync(("MetricsToken", "scrape-secret"));
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TestClient.DefaultTimeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "scrape-secret");

        using var response = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_are_open_by_default()
    {
        await using var server = await RelayServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TestClient.DefaultTimeout };

        using var response = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
