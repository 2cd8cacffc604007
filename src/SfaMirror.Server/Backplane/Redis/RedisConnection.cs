using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Observability;
using StackExchange.Redis;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// The node's one multiplexer, and the one place where a Redis failure becomes a
/// <see cref="StoreUnavailableException"/>. The multiplexer never gives up: it starts even when Redis is
/// down, fails commands at once while disconnected (so clients get <c>STORE_UNAVAILABLE</c> instead of
/// waiting), and reconnects and resubscribes by itself when Redis is back.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;
    private readonly ILogger _logger;

    public RedisConnection(IOptions<StoreOptions> options, ILogger<RedisConnection> logger)
    {
        _logger = logger;
        var config = ConfigurationOptions.Parse(options.Value.Redis!);
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ClientName ??= "sfa-mirror-relay";
        // Come back quickly after an outage; the default waits up to several seconds between attempts.
        config.ReconnectRetryPolicy ??= new ExponentialRetry(250, 2000);
        _multiplexer = ConnectionMultiplexer.Connect(config);
        _multiplexer.ConnectionFailed += (_, e) => Log.ConnectionFailed(_logger, e.ConnectionType.ToString(), e.FailureType.ToString());
        _multiplexer.ConnectionRestored += (_, e) => Log.Connected(_logger, e.ConnectionType.ToString());
    }

    public bool IsConnected => _multiplexer.IsConnected;

    /// <summary>Runs a script (EVALSHA, falling back to EVAL when Redis lost its script cache, e.g. after a restart).</summary>
    public async Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] args)
    {
        var db = _multiplexer.GetDatabase();
        try
        {
            try
            {
                return await db.ScriptEvaluateAsync(script, keys, args).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (ex.Kind == RedisErrorKind.NoScript)
            {
                return await db.ScriptEvaluateAsync(script, keys, args, CommandFlags.NoScriptCache).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }
    }

    public async Task<ChannelMessageQueue> SubscribeAsync(RedisChannel channel)
    {
        try
        {
            return await _multiplexer.GetSubscriber().SubscribeAsync(channel).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw new StoreUnavailableException(ex.Message, ex);
        }
    }

    public async Task<bool> PingAsync()
    {
        if (!_multiplexer.IsConnected)
        {
            return false;
        }
        try
        {
            await _multiplexer.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (IsOutage(ex) || ex is TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Everything that means "Redis cannot serve us now", as opposed to a bug.</summary>
    public static bool IsOutage(Exception ex) => ex is RedisException or ObjectDisposedException;

    public async ValueTask DisposeAsync() => await _multiplexer.DisposeAsync().ConfigureAwait(false);

    private static partial class Log
    {
        [LoggerMessage(EventIds.RedisConnected, LogLevel.Information, "Redis {ConnectionType} connection restored")]
        public static partial void Connected(ILogger logger, string connectionType);

        [LoggerMessage(EventIds.RedisConnectionFailed, LogLevel.Warning, "Redis {ConnectionType} connection failed: {FailureType}")]
        public static partial void ConnectionFailed(ILogger logger, string connectionType, string failureType);
    }
}
