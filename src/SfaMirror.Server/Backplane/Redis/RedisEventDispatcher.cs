using System.Buffers.Text;
using Microsoft.Extensions.Logging;
using SfaMirror.Server.Observability;
using SfaMirror.Server.Protocol;
using SfaMirror.Server.Sessions;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// Turns the events of a session channel into frames and hands them to the <see cref="ISessionEventSink"/>,
/// the same delivery path the in-memory store uses. Each event is encoded once on each node that hears
/// it; events aimed at one member (<c>SESSION_CREATED</c>, <c>SESSION_JOINED</c>, the 4000 close) are
/// only encoded on the node that member is connected to, which its member id names.
/// </summary>
internal sealed partial class RedisEventDispatcher(
    ISessionEventSink sink,
    NodeIdentity node,
    PendingResumeTokens tokens,
    ILogger<RedisEventDispatcher> logger)
{
    private readonly string _localPrefix = node.NodeId + "-";

    public void Dispatch(string code, byte[] message)
    {
        if (!RedisEvent.TryParse(message, out var e))
        {
            Log.EventDropped(logger, code, message.Length);
            return;
        }
        try
        {
            Deliver(code, e);
        }
        catch (Exception ex)
        {
            // One bad event must not stop the channel's queue: the session's later events still flow.
            Log.EventFailed(logger, code, e.Kind.ToString(), ex);
        }
    }

    private void Deliver(string code, in RedisEvent e)
    {
        switch (e.Kind)
        {
            case RedisEventKind.Created when IsLocal(e.Target):
                if (tokens.Take(e.Target) is { } token)
                {
                    sink.DeliverToMember(code, e.Target, FrameEncoder.SessionCreated(code, token, e.RequestId.Span), null, null);
                }
                break;
            case RedisEventKind.Joined when IsLocal(e.Target):
                sink.DeliverToMember(code, e.Target,
                    FrameEncoder.SessionJoined(code, (MemberRole)e.Role, e.Members, e.RequestId.Span),
                    StateFrame(StateKind.Customer, code, e.SeqA, e.PayloadA),
                    StateFrame(StateKind.Product, code, e.SeqB, e.PayloadB));
                break;
            case RedisEventKind.PeerJoined:
                sink.Broadcast(code, e.Target, FrameEncoder.PeerJoined(code, (MemberRole)e.Role, e.Members), null);
                break;
            case RedisEventKind.PeerLeft:
                sink.Broadcast(code, NullIfEmpty(e.Target), FrameEncoder.PeerLeft(code, (MemberRole)e.Role, e.Members, (LeaveReason)e.Reason), null);
                break;
            case RedisEventKind.State:
                var kind = (StateKind)e.StateKind;
                sink.Broadcast(code, e.Target, StateFrame(kind, code, e.SeqA, e.PayloadA)!, kind);
                break;
            case RedisEventKind.HostResumed when IsLocal(e.Target):
                sink.HostResumedElsewhere(code, e.Target);
                break;
            case RedisEventKind.Ended:
                var reason = (EndReason)e.Reason;
                var others = FrameEncoder.SessionEnded(code, reason, default);
                var requester = NullIfEmpty(e.Target);
                var requesterFrame = requester is not null && IsLocal(requester) && !e.RequestId.IsEmpty
                    ? FrameEncoder.SessionEnded(code, reason, e.RequestId.Span)
                    : others;
                sink.SessionEnded(code, requester, requesterFrame, others);
                break;
        }
    }

    private bool IsLocal(string memberId) => memberId.StartsWith(_localPrefix, StringComparison.Ordinal);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>A state frame as a late joiner gets it, or null when that state was never set.</summary>
    private static byte[]? StateFrame(StateKind kind, string code, ReadOnlyMemory<byte> seqText, ReadOnlyMemory<byte> payload)
    {
        if (seqText.IsEmpty || !Utf8Parser.TryParse(seqText.Span, out long seq, out _))
        {
            return null;
        }
        return FrameEncoder.State(kind, code, seq, payload.Span);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.RedisEventDropped, LogLevel.Warning, "Dropped an undecodable event of {Bytes} bytes on session {SessionId}")]
        public static partial void EventDropped(ILogger logger, string sessionId, int bytes);

        [LoggerMessage(EventIds.RedisEventFailed, LogLevel.Error, "Delivering a {Kind} event of session {SessionId} failed")]
        public static partial void EventFailed(ILogger logger, string sessionId, string kind, Exception exception);
    }
}
