namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// One redis-server for the whole test run, started by the first test that asks for it and killed when the
/// test process exits. Tests share it through key prefixes of their own (<see cref="RelayCluster.NewPrefix"/>);
/// a test that stops Redis (an outage) starts a <see cref="RedisServerProcess"/> of its own instead.
/// </summary>
public static class SharedRedis
{
    private static readonly Lazy<Task<RedisServerProcess>> Server = new(StartAsync);

    public static Task<RedisServerProcess> GetAsync() => Server.Value;

    private static async Task<RedisServerProcess> StartAsync()
    {
        var redis = await RedisServerProcess.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => redis.StopAsync().GetAwaiter().GetResult();
        return redis;
    }
}
