using System.Collections.Concurrent;
using StackExchange.Redis;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// This node's subscriptions to session channels: one per session with a local member, taken on the first
/// local member and dropped after the last (counted under a per-session gate, so a subscribe racing an
/// unsubscribe never loses the channel). Each channel's messages are handled one at a time, in the order
/// Redis published them (a <see cref="ChannelMessageQueue"/> per channel).
/// </summary>
internal sealed class RedisSessionSubscriptions(RedisConnection redis, RedisKeys keys, RedisEventDispatcher dispatcher)
    : ISessionSubscriptions
{
    private readonly ConcurrentDictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);

    /// <summary>Sessions this node listens to now.</summary>
    public int Count => _subscriptions.Count;

    public async ValueTask SubscribeAsync(string sessionCode, CancellationToken cancellationToken)
    {
        while (true)
        {
            var sub = _subscriptions.GetOrAdd(sessionCode, static _ => new Subscription());
            await sub.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (sub.Removed)
                {
                    continue;
                }
                if (sub.Queue is null)
                {
                    var queue = await redis.SubscribeAsync(keys.Channel(sessionCode)).ConfigureAwait(false);
                    queue.OnMessage(message => dispatcher.Dispatch(sessionCode, (byte[])message.Message!));
                    sub.Queue = queue;
                }
                sub.Count++;
                return;
            }
            catch
            {
                if (sub.Count == 0)
                {
                    Remove(sessionCode, sub);
                }
                throw;
            }
            finally
            {
                sub.Gate.Release();
            }
        }
    }

    public async ValueTask UnsubscribeAsync(string sessionCode)
    {
        if (!_subscriptions.TryGetValue(sessionCode, out var sub))
        {
            return;
        }
        await sub.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (sub.Removed || sub.Count == 0 || --sub.Count > 0)
            {
                return;
            }
            Remove(sessionCode, sub);
            if (sub.Queue is { } queue)
            {
                try
                {
                    // Nothing waits for the answer: a leave must not hang on a Redis that is away (the
                    // subscription then goes with the connection anyway).
                    await queue.UnsubscribeAsync(CommandFlags.FireAndForget).ConfigureAwait(false);
                }
                catch (Exception ex) when (RedisConnection.IsOutage(ex))
                {
                    // Redis is gone, and the subscription with it; the queue is already completed locally.
                }
            }
        }
        finally
        {
            sub.Gate.Release();
        }
    }

    private void Remove(string sessionCode, Subscription sub)
    {
        sub.Removed = true;
        _subscriptions.TryRemove(new KeyValuePair<string, Subscription>(sessionCode, sub));
    }

    private sealed class Subscription
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public ChannelMessageQueue? Queue;
        public int Count;
        public bool Removed;
    }
}
