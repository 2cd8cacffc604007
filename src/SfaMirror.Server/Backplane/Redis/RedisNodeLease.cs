using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// Keeps this node's lease in Redis, renewed every third of <see cref="StoreOptions.NodeLeaseSeconds"/>.
/// While it lives, other nodes leave this node's members alone; once it lapses (the node died without a
/// goodbye), the next sweep on any node removes them. Renewal carries on through an outage and re-creates
/// the lease as soon as Redis is back. A node that finds its lease gone (it stalled or lost Redis for
/// longer than the lease, so other nodes removed its members; or Redis lost its data) tells its
/// <see cref="INodeLeaseListener"/>s (the transport closes every connection with 1012, so clients reconnect
/// and rejoin instead of carrying on in sessions that no longer count them). Registered before the transport's shutdown, so it stops after every local member
/// left, and then drops the lease.
/// </summary>
internal sealed partial class RedisNodeLease(
    RedisConnection redis,
    RedisKeys keys,
    NodeIdentity node,
    IEnumerable<INodeLeaseListener> listeners,
    IOptions<StoreOptions> options,
    ILogger<RedisNodeLease> logger) : BackgroundService
{
    private bool _held;
    private bool _failing;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Hold the lease before the first client can join through this node.
        await RenewAsync().ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.NodeLease / 3);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await RenewAsync().ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Whatever members are still recorded for this node are removed by the next sweep of any node.
            await redis.EvaluateAsync("return redis.call('DEL', KEYS[1])", [keys.Lease(node.NodeId)], []).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            // The lease expires by itself.
        }
    }

    private async Task RenewAsync()
    {
        try
        {
            var held = (int)await redis.EvaluateAsync(RedisScripts.RenewLease,
                [keys.Lease(node.NodeId), keys.Nodes],
                [node.NodeId, (long)options.Value.NodeLease.TotalMilliseconds]).ConfigureAwait(false) == 1;
            if (_held && !held)
            {
                Log.LeaseLost(logger, node.NodeId);
                foreach (var listener in listeners)
                {
                    listener.OnLeaseLost();
                }
            }
            _held = true;
            _failing = false;
        }
        catch (StoreUnavailableException ex)
        {
            // Keep believing we hold it: whether we still do is only known once Redis answers again.
            if (!_failing)
            {
                Log.LeaseNotRenewed(logger, node.NodeId, ex.Message);
            }
            _failing = true;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.RedisLeaseLost, LogLevel.Warning, "Node {NodeId} found its lease gone (Redis lost it, or this node was cut off past it): its connections must rejoin")]
        public static partial void LeaseLost(ILogger logger, string nodeId);

        [LoggerMessage(EventIds.RedisLeaseNotRenewed, LogLevel.Warning, "Node {NodeId} could not renew its lease: {Reason}")]
        public static partial void LeaseNotRenewed(ILogger logger, string nodeId, string reason);
    }
}
