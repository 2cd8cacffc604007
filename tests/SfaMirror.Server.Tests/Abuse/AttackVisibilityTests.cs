using System.Net;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Abuse;

/// <summary>docs/operations.md, "Client addresses, limits and origins": refusals show in /metrics and on /admin.</summary>
public sealed class AttackVisibilityTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Admin_lists_an_address_refused_over_its_join_budget()
    {
        await using var server = await RelayServer.StartAsync(("AdminToken", "s3cret"), ("FailedJoinsPerAddressPerMinute", "1"));
        await RefuseAJoinAsync(server);

        using var stats = await server.AdminStatsAsync("s3cret");

        var refused = Assert.Single(stats.RootElement.GetProperty("refusedAddresses").EnumerateArray());
        Assert.Equal("127.0.0.2", refused.GetProperty("address").GetString());
        Assert.Equal(1, refused.GetProperty("refusals").GetInt64());
    }

    [Fact]
    public async Task Metrics_count_failed_and_refused_joins_by_reason_and_limit()
    {
        await using var server = await RelayServer.StartAsync(("FailedJoinsPerAddressPerMinute", "1"));
        await RefuseAJoinAsync(server);
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TestClient.DefaultTimeout };

        var scrape = "";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(scrape = await http.GetStringAsync("/metrics")).Contains("relay_joins_refused_total") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Contains(Series(scrape), l => l.StartsWith("relay_joins_failed_total{") && l.Contains("reason=\"not_found\"") && l.EndsWith(" 1"));
        Assert.Contains(Series(scrape), l => l.StartsWith("relay_joins_refused_total{") && l.Contains("limit=\"address_minute\"") && l.EndsWith(" 1"));
    }

    /// <summary>The scrape's sample lines, without their timestamps.</summary>
    private static IEnumerable<string> Series(string scrape) =>
        scrape.Split('\n').Where(l => l.StartsWith("relay_")).Select(l => l.Split(' ') is [var name, var value, ..] ? $"{name} {value}" : l);

    private static async Task RefuseAJoinAsync(RelayServer server)
    {
        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, Guesser);
        await client.SendAsync(new { type = "JOIN_SESSION", sessionId = "ZZZZZZ" });
        await client.ExpectErrorAsync("SESSION_NOT_FOUND");
        await client.SendAsync(new { type = "JOIN_SESSION", sessionId = "ZZZZZZ" });
        await client.ExpectErrorAsync("RATE_LIMITED");
    }
}
