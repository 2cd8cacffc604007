namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// Starts relays on one store or the other, so that a test class written once runs on both: an abstract
/// class of tests takes one of these, and a subclass per store passes its own (as SignalR's
/// <c>HubLifetimeManagerTestBase</c> does).
/// </summary>
public abstract class StoreRelays
{
    /// <summary>A relay node; with Redis, nodes started with the same <paramref name="prefix"/> share their sessions and limits.</summary>
    public abstract Task<RelayServer> StartAsync(CapturedLogs? logs, string prefix, params (string Key, string Value)[] settings);

    public Task<RelayServer> StartAsync(params (string Key, string Value)[] settings) => StartAsync(null, RelayCluster.NewPrefix(), settings);

    public Task<RelayServer> StartAsync(CapturedLogs logs, params (string Key, string Value)[] settings) => StartAsync(logs, RelayCluster.NewPrefix(), settings);

    public sealed class Memory : StoreRelays
    {
        public override Task<RelayServer> StartAsync(CapturedLogs? logs, string prefix, params (string Key, string Value)[] settings) => RelayServer.StartAsync(logs, settings);
    }

    public sealed class Redis(RedisServerProcess redis) : StoreRelays
    {
        public override Task<RelayServer> StartAsync(CapturedLogs? logs, string prefix, params (string Key, string Value)[] settings) =>
            RelayServer.StartAsync(logs, [("Redis", redis.ConnectionString), ("RedisKeyPrefix", prefix), .. settings]);
    }
}
