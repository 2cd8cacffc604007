using SfaMirror.Server.Backplane;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Sessions;

/// <summary>
/// The one place a session event becomes frames: each event is encoded once (and only when a member here
/// receives it) and handed to the <see cref="SessionHub"/>. Both stores report through here, so which frame
/// goes to whom is decided once.
/// </summary>
internal sealed class SessionEventDelivery(SessionHub hub, PendingResumeTokens tokens) : ISessionEventSink
{
    public void OnEvent(in SessionEvent e)
    {
        switch (e.Kind)
        {
            case SessionEventKind.Created:
                // The token is taken even when its connection left meanwhile: it must not linger.
                if (tokens.Take(e.MemberId!) is { } token)
                {
                    hub.DeliverReply(e.Code, e.MemberId!, FrameEncoder.SessionCreated(e.Code, token, e.MemberId!, e.RequestId.Span));
                }
                break;
            case SessionEventKind.Joined when hub.IsAttached(e.Code, e.MemberId!):
                hub.DeliverReply(e.Code, e.MemberId!,
                    FrameEncoder.SessionJoined(e.Code, e.Role, e.Members, e.MemberId!, e.HostVerified, e.RequestId.Span, e.Encrypted),
                    StateFrame(StateKind.Customer, e.Code, e.Customer),
                    StateFrame(StateKind.Product, e.Code, e.Product));
                break;
            case SessionEventKind.PeerJoined when hub.HasMembers(e.Code):
                hub.Broadcast(e.Code, e.MemberId, FrameEncoder.PeerJoined(e.Code, e.Role, e.Members, e.MemberId!));
                break;
            case SessionEventKind.PeerLeft when hub.HasMembers(e.Code):
                hub.Broadcast(e.Code, e.MemberId, FrameEncoder.PeerLeft(e.Code, e.Role, e.Members, e.LeaveReason, e.MemberId!));
                break;
            case SessionEventKind.State when hub.HasMembers(e.Code):
                hub.Broadcast(e.Code, e.MemberId,
                    new OutboundFrame(FrameEncoder.State(e.StateKind, e.Code, e.State.Seq, e.State.Payload.Span), new StateKey(e.Code, e.StateKind)));
                break;
            case SessionEventKind.JoinPending when hub.IsAttached(e.Code, e.MemberId!):
                hub.DeliverWaiting(e.Code, e.MemberId!, FrameEncoder.JoinPending(e.Code, e.MemberId!, e.Encrypted, e.RequestId.Span));
                break;
            case SessionEventKind.JoinRequested when hub.IsAttached(e.Code, e.OtherMemberId!):
                hub.SendTo(e.Code, e.OtherMemberId!, FrameEncoder.JoinRequested(e.Code, e.MemberId!, e.Data.Span));
                break;
            case SessionEventKind.JoinWithdrawn when hub.IsAttached(e.Code, e.OtherMemberId!):
                hub.SendTo(e.Code, e.OtherMemberId!, FrameEncoder.JoinWithdrawn(e.Code, e.MemberId!, e.LeaveReason));
                break;
            case SessionEventKind.JoinDenied when hub.IsAttached(e.Code, e.MemberId!):
                hub.Removed(e.Code, e.MemberId!, FrameEncoder.JoinDenied(e.Code, e.LeaveReason));
                break;
            case SessionEventKind.Kicked when hub.HasMembers(e.Code):
                if (hub.IsAttached(e.Code, e.MemberId!))
                {
                    hub.Removed(e.Code, e.MemberId!, FrameEncoder.SessionEnded(e.Code, EndReason.Kicked, default));
                }
                hub.Broadcast(e.Code, e.MemberId, FrameEncoder.PeerLeft(e.Code, e.Role, e.Members, LeaveReason.Kicked, e.MemberId!));
                break;
            case SessionEventKind.Signal when hub.IsAttached(e.Code, e.OtherMemberId!):
                hub.SendTo(e.Code, e.OtherMemberId!, FrameEncoder.Signal(e.Code, e.MemberId!, e.Data.Span));
                break;
            case SessionEventKind.HostResumed:
                hub.HostResumedElsewhere(e.Code, e.MemberId!);
                break;
            case SessionEventKind.Ended when hub.HasMembers(e.Code):
                var others = FrameEncoder.SessionEnded(e.Code, e.EndReason, default);
                var requester = e.MemberId is { } host && !e.RequestId.IsEmpty && hub.IsAttached(e.Code, host)
                    ? FrameEncoder.SessionEnded(e.Code, e.EndReason, e.RequestId.Span)
                    : others;
                hub.SessionEnded(e.Code, e.MemberId, requester, others);
                break;
        }
    }

    /// <summary>A stored state as a late joiner gets it, or null when that state is not set.</summary>
    private static byte[]? StateFrame(StateKind kind, string code, in StoredState state) =>
        state.IsSet ? FrameEncoder.State(kind, code, state.Seq, state.Payload.Span) : null;

    /// <summary>Coalesces a waiting update of the same session and kind: a member behind ends on the latest.</summary>
    private sealed record StateKey(string Code, StateKind Kind);
}
