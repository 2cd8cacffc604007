using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SfaMirror.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SfaMirror.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed partial class ObservabilityTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Readyz_answers_ready_json()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("/readyz");

        Assert.Equal(200, response!.Status);
        Assert.StartsWith("application/json", response.Headers["content-type"]);
        using var json = JsonDocument.Parse(await response.TextAsync());
        Assert.True(json.RootElement.GetProperty("ready").GetBoolean());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("session-store").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_move_after_console_traffic()
    {
        await using var context = await fixture.NewContextAsync();
        var before = await ScrapeAsync(context);
        var sfa = await ConsolePage.OpenAsync(context);
        var code = await sfa.CreateSessionAsync();
        var mirror = await ConsolePage.OpenAsync(context, $"/mirror/{code}");
        await Expect(sfa.Members).ToHaveTextAsync("2");
        await sfa.SendCustomerNameAsync("Hedy Lamarr");
        await Expect(mirror.CustomerCard.Locator(".title")).ToHaveTextAsync("Hedy Lamarr");

        string[] moving =
        [
            "relay_messages_received_total{otel_scope_name=\"SfaMirror.Relay\",type=\"VIEW_CUSTOMER\"}",
            "relay_messages_received_total{otel_scope_name=\"SfaMirror.Relay\",type=\"CREATE_SESSION\"}",
            "relay_messages_sent_total{otel_scope_name=\"SfaMirror.Relay\",type=\"VIEW_CUSTOMER\"}",
            "relay_messages_sent_total{otel_scope_name=\"SfaMirror.Relay\",type=\"PEER_JOINED\"}",
            "relay_received_bytes_total{otel_scope_name=\"SfaMirror.Relay\"}",
            "relay_sent_bytes_total{otel_scope_name=\"SfaMirror.Relay\"}",
            "relay_delivery_duration_seconds_count{otel_scope_name=\"SfaMirror.Relay\"}",
            "relay_sessions_created_total{otel_scope_name=\"SfaMirror.Relay\"}",
        ];
        var after = before;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (moving.Any(m => Value(after, m) <= Value(before, m)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            after = await ScrapeAsync(context);
        }

        foreach (var series in moving)
        {
            Assert.True(Value(after, series) > Value(before, series), $"{series} did not move: {Value(before, series)} -> {Value(after, series)}");
        }
        Assert.True(Value(after, "relay_connections{otel_scope_name=\"SfaMirror.Relay\"}") >= 2);
        // Counters that have not counted yet (errors, coalesced updates, slow-consumer closes) have no series; gauges always do.
        foreach (var name in new[] { "relay_sessions_live", "relay_members_live", "relay_send_queue_bytes", "relay_delivery_duration_seconds_bucket" })
        {
            Assert.Contains($"# TYPE {Family(name)}", after);
        }
    }

    [Fact]
    public async Task Metrics_count_errors_by_code()
    {
        await using var context = await fixture.NewContextAsync();
        const string series = "relay_errors_total{otel_scope_name=\"SfaMirror.Relay\",code=\"SESSION_NOT_FOUND\"}";
        var before = Value(await ScrapeAsync(context), series);
        var mirror = await ConsolePage.OpenAsync(context);

        await mirror.JoinAsync("ZZZZZZ");
        await Expect(mirror.Log).ToContainTextAsync("SESSION_NOT_FOUND");

        var deadline = DateTime.UtcNow.AddSeconds(5);
        double after;
        while ((after = Value(await ScrapeAsync(context), series)) <= before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.True(after > before, $"{series}: {before} -> {after}");
    }

    private static string Family(string name) => name.EndsWith("_bucket", StringComparison.Ordinal) ? name[..^"_bucket".Length] : name.Replace("_total", "", StringComparison.Ordinal);

    private static async Task<string> ScrapeAsync(IBrowserContext context)
    {
        var response = await context.APIRequest.GetAsync("/metrics");
        Assert.Equal(200, response.Status);
        return await response.TextAsync();
    }

    /// <summary>The value of one series in Prometheus text format; 0 when absent (a counter not yet incremented).</summary>
    private static double Value(string scrape, string series)
    {
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..].Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }
}
