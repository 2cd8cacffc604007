using System.Collections.Concurrent;
using StackExchange.Redis;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// This node's subscriptions to session channels. The <c>SessionHub</c> subscribes a session on its first
/// local member and unsubscribes after the last, one call at a time per session. Each channel's messages are
/// handled one at a time, in the order Redis published them (a <see cref="ChannelMessageQueue"/> per channel).
/// </summary>
internal sealed class RedisSessionSubscriptions(RedisConnection redis, RedisKeys keys, RedisEventDispatcher dispatcher)
    : ISessionSubscriptions
{
    private readonly ConcurrentDictionary<string, ChannelMessageQueue> _queues = new(StringComparer.Ordinal);

    public async ValueTask SubscribeAsync(string sessionCode, CancellationToken cancellationToken)
    {
        var queue = await redis.SubscribeAsync(keys.Channel(sessionCode)).ConfigureAwait(false);
        queue.OnMessage(message => dispatcher.Dispatch(sessionCode, (byte[])message.Message!));
        _queues[sessionCode] = queue;
    }

    public async ValueTask UnsubscribeAsync(string sessionCode)
    {
        if (!_queues.TryRemove(sessionCode, out var queue))
        {
            return;
        }
        try
        {
            // Nothing waits for the answer: a leave must not hang on a Redis that is away (the subscription
            // then goes with the connection anyway).
            await queue.UnsubscribeAsync(CommandFlags.FireAndForget).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisConnection.IsOutage(ex))
        {
            // Redis is gone, and the subscription with it; the queue is already completed locally.
        }
    }
}
