using Microsoft.Extensions.Logging;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// Hands the events of a session channel to the <see cref="ISessionEventSink"/>, the same callback the
/// in-memory store calls: decoding is all that is Redis's own here. The sink is looked up on the first
/// event, not injected: the sink delivers through the hub, which subscribes through this very dispatcher.
/// </summary>
internal sealed partial class RedisEventDispatcher(Func<ISessionEventSink> resolveSink, ILogger<RedisEventDispatcher> logger)
{
    private ISessionEventSink? _sink;

    public void Dispatch(string code, byte[] message)
    {
        var sink = _sink ??= resolveSink();
        if (!RedisEvent.TryDecode(code, message, out var e))
        {
            Log.EventDropped(logger, code, message.Length);
            return;
        }
        try
        {
            sink.OnEvent(e);
        }
        catch (Exception ex)
        {
            // One bad event must not stop the channel's queue: the session's later events still flow.
            Log.EventFailed(logger, code, e.Kind.ToString(), ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.RedisEventDropped, LogLevel.Warning, "Dropped an undecodable event of {Bytes} bytes on session {SessionId}")]
        public static partial void EventDropped(ILogger logger, string sessionId, int bytes);

        [LoggerMessage(EventIds.RedisEventFailed, LogLevel.Error, "Delivering a {Kind} event of session {SessionId} failed")]
        public static partial void EventFailed(ILogger logger, string sessionId, string kind, Exception exception);
    }
}
