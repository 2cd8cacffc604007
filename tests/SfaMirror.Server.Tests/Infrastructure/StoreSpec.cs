namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// The base of a specification that holds for every session store, as SignalR's
/// <c>HubLifetimeManagerTestBase</c> holds for every lifetime manager. A spec class is abstract and starts its
/// relays through <see cref="StartRelayAsync(ValueTuple{string, string}[])"/>; two sealed nested classes,
/// <c>OnMemory</c> and <c>OnRedis</c>, inherit every test and choose the store:
/// <code>
/// public abstract class RelayTests(StoreKind store) : StoreSpec(store)
/// {
///     public sealed class OnMemory() : RelayTests(StoreKind.Memory);
///     public sealed class OnRedis() : RelayTests(StoreKind.Redis);
///     ...
/// }
/// </code>
/// </summary>
public abstract class StoreSpec(StoreKind store)
{
    protected StoreKind Store { get; } = store;

    /// <summary>A relay on this spec's store, with <paramref name="settings"/> as <c>Relay</c> settings.</summary>
    protected Task<RelayServer> StartRelayAsync(params (string Key, string Value)[] settings) => StartRelayAsync(null, settings);

    /// <summary>A relay on this spec's store whose every log entry lands in <paramref name="logs"/>.</summary>
    protected async Task<RelayServer> StartRelayAsync(CapturedLogs? logs, params (string Key, string Value)[] settings)
    {
        (string, string)[] all = [.. await StoreSettingsAsync(), .. settings];
        return await RelayServer.StartAsync(logs, all);
    }

    /// <summary>With Redis, a fresh key prefix for every server: no two servers (or tests) see each other's sessions.</summary>
    private async Task<(string, string)[]> StoreSettingsAsync() => Store switch
    {
        StoreKind.Memory => [],
        StoreKind.Redis => [("Redis", (await SharedRedis.GetAsync()).ConnectionString), ("RedisKeyPrefix", RelayCluster.NewPrefix())],
        _ => throw new ArgumentOutOfRangeException(nameof(Store), Store, null),
    };
}
