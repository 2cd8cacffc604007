using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Observability;

[Collection(MetricsCollection.Name)]
public sealed class OperatorEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Readyz_is_ready_with_the_in_memory_store()
    {
        await using var server = await RelayServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout };

        using var response = await http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task Metrics_count_messages_sent_by_type()
    {
        await using var server = await RelayServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout };
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "PING" });
        await client.ExpectAsync("PONG");

        await AssertScrapeShowsAsync(http, "relay_messages_sent_total{otel_scope_name=\"SfaMirror.Relay\",type=\"PONG\"} 1");
    }

    [Fact]
    public async Task Metrics_count_the_bytes_of_messages_sent()
    {
        await using var server = await RelayServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout };
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new { type = "PING" });
        var pong = await client.ExpectAsync("PONG");

        await AssertScrapeShowsAsync(http, $"relay_sent_bytes_total{{otel_scope_name=\"SfaMirror.Relay\"}} {System.Text.Encoding.UTF8.GetByteCount(pong.GetRawText())}");
    }

    /// <summary>Scrapes /metrics until it shows <paramref name="series"/> with its value (metrics are read at scrape time, so give it a moment).</summary>
    private static async Task AssertScrapeShowsAsync(HttpClient http, string series)
    {
        var deadline = DateTime.UtcNow + Timeout;
        string scrape;
        while (!(scrape = await http.GetStringAsync("/metrics")).Contains(series) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Contains(series, scrape);
    }

    [Fact]
    public async Task Admin_stats_with_the_token_list_a_session_without_its_payload()
    {
        await using var server = await RelayServer.StartAsync(("AdminToken", "s3cret"));
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout };
        await using var host = await server.ConnectAsync();
        var (code, _) = await host.CreateSessionAsync();
        await host.SendTextAsync("""{"type":"VIEW_CUSTOMER","requestId":1,"payload":{"name":"secret-customer-name"}}""");
        await host.ExpectAsync("ACK");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/api/stats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret-customer-name", body);
        using var json = JsonDocument.Parse(body);
        var session = Assert.Single(json.RootElement.GetProperty("sessionList").EnumerateArray());
        Assert.Equal(code, session.GetProperty("code").GetString());
        Assert.Equal(1, session.GetProperty("hosts").GetInt32());
        Assert.Equal(1, session.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Admin_stats_refuse_a_wrong_token()
    {
        await using var server = await RelayServer.StartAsync(("AdminToken", "s3cret"));
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/api/stats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cres");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Admin_area_is_not_found_when_no_token_is_configured()
    {
        await using var server = await RelayServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout };

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/admin/admin.js")).StatusCode);
    }

    [Fact]
    public async Task Qr_code_is_drawn_for_this_servers_mirror_link()
    {
        await using var server = await RelayServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout };
        var link = new Uri(server.BaseUri, "/mirror/K7Q2ZP").ToString();

        using var response = await http.GetAsync($"/qr?data={Uri.EscapeDataString(link)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("https://evil.example/mirror/K7Q2ZP")]
    [InlineData("/mirror/K7Q2ZP")]
    [InlineData("{self}/admin")]
    [InlineData("{self}/mirror/K7Q2Z0")]
    [InlineData("{self}/mirror/K7Q2ZP?x=1")]
    [InlineData("javascript:alert(1)")]
    public async Task Qr_code_is_refused_for_anything_but_this_servers_mirror_links(string data)
    {
        await using var server = await RelayServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout };
        data = data.Replace("{self}", server.BaseUri.GetLeftPart(UriPartial.Authority));

        using var response = await http.GetAsync($"/qr?data={Uri.EscapeDataString(data)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Plain_get_of_the_root_serves_the_console()
    {
        await using var server = await RelayServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = Timeout };

        var html = await http.GetStringAsync("/");
        var script = await http.GetAsync("/lib/sfa-mirror-client.js");

        Assert.Contains("<title>SFA Mirror console</title>", html);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }
}
