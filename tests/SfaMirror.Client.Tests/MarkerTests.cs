using SfaMirror.Client.Events;
using SfaMirror.Client.Tests.Infrastructure;
using SfaMirror.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace SfaMirror.Client.Tests;

/// <summary>
/// Issue 17's acceptance: in an encrypted session the customer never reaches the relay in the clear: no Redis value under
/// the relay's prefix and no log line holds a marker string from it. The same session in the clear finds the marker,
/// so the search itself is shown to work.
/// </summary>
public sealed class MarkerTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_customer_marker_is_in_no_Redis_value_and_no_log_line_only_when_encrypted(bool encrypted)
    {
        var marker = $"marker-{Guid.NewGuid():N}";
        var redis = await SharedRedis.GetAsync();
        var prefix = RelayCluster.NewPrefix();
        var logs = new CapturedLogs();
        await using (var server = await RelayServer.StartAsync(logs, ("Redis", redis.ConnectionString), ("RedisKeyPrefix", prefix)))
        {
            await using var host = await server.ConnectClientAsync();
            await using var viewer = await server.ConnectClientAsync();
            var created = await host.CreateSessionAsync(new CreateSessionOptions { Encrypted = encrypted, HostAdmission = true }).Within();
            var requested = Waits.Next<JoinRequestedEvent>(h => host.JoinRequested += h);
            var pairing = Waits.Next<PairingEvent>(h => host.Pairing += h);
            var customer = Waits.Next<StateUpdatedEvent>(h => viewer.CustomerChanged += h);
            var join = viewer.JoinSessionAsync(created.SessionId);
            var memberId = encrypted ? (await pairing.Within()).MemberId : (await requested.Within()).MemberId;
            await host.AdmitAsync(memberId).Within();
            await join.Within();

            await host.SendCustomerAsync(new { name = marker, note = $"about {marker}" }).Within();
            await host.SendProductAsync(new { sku = marker }).Within();

            Assert.Equal(marker, (await customer.Within()).Payload.GetProperty("name").GetString());
            var values = await ValuesUnderAsync(redis.ConnectionString, prefix);
            Assert.NotEmpty(values);
            var inRedis = values.Where(v => v.Value.Contains(marker, StringComparison.Ordinal)).Select(v => v.Key).ToList();
            if (encrypted)
            {
                Assert.Empty(inRedis);
            }
            else
            {
                Assert.NotEmpty(inRedis);
            }
            await host.EndSessionAsync().Within();
        }
        var inLogs = logs.Entries.Where(e => e.Message.Contains(marker, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(logs.Entries);
        Assert.Empty(inLogs);
    }

    /// <summary>Every value of every key under <paramref name="prefix"/>: strings, hash fields and values, list, set and zset members.</summary>
    private static async Task<List<KeyValuePair<string, string>>> ValuesUnderAsync(string connectionString, string prefix)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var db = connection.GetDatabase();
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var values = new List<KeyValuePair<string, string>>();
        await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
        {
            var type = await db.KeyTypeAsync(key);
            IEnumerable<string> texts = type switch
            {
                RedisType.String => [(string?)await db.StringGetAsync(key) ?? ""],
                RedisType.Hash => (await db.HashGetAllAsync(key)).SelectMany(e => new[] { (string)e.Name!, (string?)e.Value ?? "" }),
                RedisType.List => (await db.ListRangeAsync(key)).Select(v => (string?)v ?? ""),
                RedisType.Set => (await db.SetMembersAsync(key)).Select(v => (string?)v ?? ""),
                RedisType.SortedSet => (await db.SortedSetRangeByRankAsync(key)).Select(v => (string?)v ?? ""),
                _ => [],
            };
            values.AddRange(texts.Select(t => new KeyValuePair<string, string>(key!, t)));
        }
        return values;
    }
}
