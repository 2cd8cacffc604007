using System.Net;
using SfaMirror.Server.Tests.Infrastructure;

namespace SfaMirror.Server.Tests.Abuse;

/// <summary>
/// docs/protocol.md, <c>RATE_LIMITED</c>: failed joins are counted per client address over all its connections
/// (and, with Redis, all nodes); past a budget, its joins are refused before they are tried.
/// </summary>
public abstract class AddressJoinLimitTests(StoreRelays relays)
{
    private static readonly IPAddress Guesser = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Failed_joins_over_several_connections_of_one_address_spend_one_minute_budget()
    {
        await using var server = await relays.StartAsync(("FailedJoinsPerAddressPerMinute", "3"));
        await FailJoinsAsync(server, Guesser, 3);

        await using var fresh = await ConnectFromAsync(server, Guesser);
        await fresh.SendAsync(new { type = "JOIN_SESSION", sessionId = "ZZZZZZ" });

        await fresh.ExpectErrorAsync("RATE_LIMITED");
    }

    [Fact]
    public async Task An_address_over_its_budget_is_refused_a_live_code_too()
    {
        await using var server = await relays.StartAsync(("FailedJoinsPerAddressPerMinute", "2"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await FailJoinsAsync(server, Guesser, 2);

        await using var guesser = await ConnectFromAsync(server, Guesser);
        await guesser.SendAsync(new { type = "JOIN_SESSION", sessionId = code });

        await guesser.ExpectErrorAsync("RATE_LIMITED");
        await host.ExpectNothingAsync();
    }

    [Fact]
    public async Task The_hour_budget_refuses_joins_when_the_minute_still_has_room()
    {
        await using var server = await relays.StartAsync(("FailedJoinsPerAddressPerMinute", "100"), ("FailedJoinsPerAddressPerHour", "2"));
        await FailJoinsAsync(server, Guesser, 2);

        await using var guesser = await ConnectFromAsync(server, Guesser);
        await guesser.SendAsync(new { type = "JOIN_SESSION", sessionId = "ZZZZZZ" });

        await guesser.ExpectErrorAsync("RATE_LIMITED");
    }

    [Fact]
    public async Task Successful_joins_do_not_count_against_the_address()
    {
        await using var server = await relays.StartAsync(("FailedJoinsPerAddressPerMinute", "2"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        for (var i = 0; i < 4; i++)
        {
            await using var viewer = await ConnectFromAsync(server, Guesser);
            await viewer.JoinAsync(code);
        }
        await FailJoinsAsync(server, Guesser, 2);
    }

    [Fact]
    public async Task Another_address_keeps_its_own_budget()
    {
        await using var server = await relays.StartAsync(("FailedJoinsPerAddressPerMinute", "2"));
        var (host, code, _) = await server.HostSessionAsync();
        await using var _h = host;
        await FailJoinsAsync(server, Guesser, 2);

        await using var neighbour = await ConnectFromAsync(server, IPAddress.Parse("127.0.0.3"));
        await neighbour.JoinAsync(code);
    }

    [Fact]
    public async Task An_address_over_its_budget_is_logged_once_with_its_counts_and_no_code()
    {
        var logs = new CapturedLogs();
        await using var server = await relays.StartAsync(logs, ("FailedJoinsPerAddressPerMinute", "1"));
        await FailJoinsAsync(server, Guesser, 1);
        await using var guesser = await ConnectFromAsync(server, Guesser);

        for (var i = 0; i < 3; i++)
        {
            await guesser.SendAsync(new { type = "JOIN_SESSION", sessionId = "QQQQQQ" });
        }
        await guesser.ExpectErrorAsync("RATE_LIMITED");

        var warnings = logs.Entries.Where(e => e.Id.Name == "AddressOverJoinBudget").ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("127.0.0.2", warning.Message);
        Assert.Contains("1 failed joins in the last minute", warning.Message);
        Assert.DoesNotContain("QQQQQQ", warning.Message);
    }

    /// <summary>Fails <paramref name="count"/> joins from <paramref name="from"/>, each on a connection of its own.</summary>
    protected static async Task FailJoinsAsync(RelayServer server, IPAddress from, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await using var client = await ConnectFromAsync(server, from);
            await client.SendAsync(new { type = "JOIN_SESSION", sessionId = "ZZZZZZ" });
            await client.ExpectErrorAsync("SESSION_NOT_FOUND");
        }
    }

    protected static Task<TestClient> ConnectFromAsync(RelayServer server, IPAddress from) => TestClient.ConnectAsync(server.WebSocketUri, from);
}

public sealed class MemoryAddressJoinLimitTests() : AddressJoinLimitTests(new StoreRelays.Memory());

public sealed class RedisAddressJoinLimitTests(RedisFixture fixture) : AddressJoinLimitTests(new StoreRelays.Redis(fixture.Redis)), IClassFixture<RedisFixture>
{
    private readonly StoreRelays _relays = new StoreRelays.Redis(fixture.Redis);

    [Fact]
    public async Task Nodes_sharing_redis_share_an_address_budget()
    {
        var prefix = RelayCluster.NewPrefix();
        await using var a = await _relays.StartAsync(null, prefix, ("FailedJoinsPerAddressPerMinute", "2"));
        await using var b = await _relays.StartAsync(null, prefix, ("FailedJoinsPerAddressPerMinute", "2"));
        await FailJoinsAsync(a, IPAddress.Parse("127.0.0.2"), 2);

        await using var onB = await ConnectFromAsync(b, IPAddress.Parse("127.0.0.2"));
        await onB.SendAsync(new { type = "JOIN_SESSION", sessionId = "ZZZZZZ" });

        await onB.ExpectErrorAsync("RATE_LIMITED");
    }
}
