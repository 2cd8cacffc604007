using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// <see cref="IJoinGuard"/> in Redis: an address's failed joins are counted once for the whole cluster, so a
/// guesser spread over nodes has the budget of one connection's address, not one per node. One script per call.
/// </summary>
internal sealed class RedisJoinGuard(RedisConnection redis, RedisKeys keys, NodeIdentity node, IOptions<StoreOptions> options) : IJoinGuard
{
    private readonly StoreOptions _options = options.Value;
    private long _nextId;

    public async ValueTask<JoinTicket> ReserveAsync(string address, CancellationToken cancellationToken)
    {
        // Unique across nodes: the node id, then a number of this node's.
        var id = $"{node.NodeId}-{Interlocked.Increment(ref _nextId)}";
        var result = await redis.EvaluateAsync(RedisScripts.ReserveJoin, [keys.FailedJoins(address)],
            [_options.FailedJoinsPerAddressPerMinute, _options.FailedJoinsPerAddressPerHour, id]).ConfigureAwait(false);
        return new JoinTicket((int)result[0] == 1, (JoinBudget)(int)result[1], address, id, (int)result[2], (int)result[3]);
    }

    public async ValueTask ReleaseAsync(JoinTicket ticket, CancellationToken cancellationToken)
    {
        if (ticket.Granted)
        {
            await redis.EvaluateAsync(RedisScripts.ReleaseJoin, [keys.FailedJoins(ticket.Address)], [ticket.Id]).ConfigureAwait(false);
        }
    }
}
