namespace SfaMirror.Server.Tests.Infrastructure;

/// <summary>
/// Several relay nodes in this process, each on its own port, sharing one Redis under one key prefix
/// (fresh per cluster unless given, so that a "restarted" cluster can pick up where another left).
/// </summary>
public sealed class RelayCluster : IAsyncDisposable
{
    private readonly List<RelayServer> _nodes;

    private RelayCluster(List<RelayServer> nodes, string prefix)
    {
        _nodes = nodes;
        KeyPrefix = prefix;
    }

    public string KeyPrefix { get; }

    public RelayServer this[int index] => _nodes[index];

    public static string NewPrefix() => $"t{Guid.NewGuid():N}:";

    public static async Task<RelayCluster> StartAsync(RedisServerProcess redis, int nodes, params (string Key, string Value)[] settings) =>
        await StartAsync(redis, NewPrefix(), nodes, settings);

    public static Task<RelayCluster> StartAsync(RedisServerProcess redis, string prefix, int nodes, params (string Key, string Value)[] settings) =>
        StartAsync(redis.ConnectionString, prefix, nodes, settings);

    /// <summary>Nodes that reach Redis through <paramref name="redisConnectionString"/> (e.g. a <see cref="TcpProxy"/>).</summary>
    public static async Task<RelayCluster> StartAsync(string redisConnectionString, string prefix, int nodes, params (string Key, string Value)[] settings)
    {
        (string, string)[] all = [("Redis", redisConnectionString), ("RedisKeyPrefix", prefix), .. settings];
        var started = await Task.WhenAll(Enumerable.Range(0, nodes).Select(_ => RelayServer.StartAsync(all)));
        return new RelayCluster([.. started], prefix);
    }

    /// <summary>Stops every node gracefully, as on SIGTERM.</summary>
    public async Task StopAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.StopAsync()));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
