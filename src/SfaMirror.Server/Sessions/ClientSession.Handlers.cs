using SfaMirror.Server.Backplane;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Sessions;

internal sealed partial class ClientSession
{
    private const int MaxCodeDraws = 16;

    private async ValueTask CreateAsync(InboundMessage msg, CancellationToken ct)
    {
        if (await CreateAccessAsync(msg, ct).ConfigureAwait(false) is not { } access)
        {
            return;
        }
        if (CurrentCode is { } current)
        {
            await LeaveCurrentAsync(current, ct).ConfigureAwait(false);
        }
        var resumeToken = ResumeToken.Create();
        var tokenHash = ResumeToken.Hash(resumeToken);
        // The store keeps only the hash; SESSION_CREATED takes the token from here (SessionEventDelivery).
        _tokens.Add(MemberId, resumeToken);
        for (var draw = 0; draw < MaxCodeDraws; draw++)
        {
            var code = _codes.Next();
            await EnterAsync(code, ct).ConfigureAwait(false);
            var status = await Guard(_store.CreateAsync(code, MemberId, tokenHash, access, msg.RequestId, ct), code).ConfigureAwait(false);
            if (status == StoreStatus.Ok)
            {
                SetMembership(code, MemberRole.Host, waiting: false, access.Encrypted);
                _metrics.SessionCreated();
                Log.SessionCreated(_logger, code, _connection.Id);
                return;
            }
            await ExitAsync(code).ConfigureAwait(false);
            if (status != StoreStatus.CodeTaken)
            {
                _tokens.Forget(MemberId);
                SendError(ErrorCodeOf(status), msg);
                return;
            }
        }
        _tokens.Forget(MemberId);
        SendError(ErrorCodes.ServerBusy, msg);
    }

    private async ValueTask JoinAsync(InboundMessage msg, CancellationToken ct)
    {
        if (!PayloadFields.TryReadResumeToken(msg.Payload, out var resumeToken))
        {
            SendError(ErrorCodes.InvalidMessage, msg, "\"payload.resumeToken\" must be a string");
            return;
        }
        if (!PayloadFields.TryReadString(msg.Payload, "joinKey"u8, out var joinKey))
        {
            SendError(ErrorCodes.InvalidMessage, msg, "\"payload.joinKey\" must be a string");
            return;
        }
        if (msg.SessionCode is null && joinKey is null)
        {
            SendError(ErrorCodes.SessionIdRequired, msg);
            return;
        }
        if (resumeToken is not null && !await HostMayResumeAsync(msg, ct).ConfigureAwait(false))
        {
            return;
        }
        if (_limiter.JoinsBlocked())
        {
            _metrics.JoinRefused("connection");
            Refuse(msg);
            return;
        }
        // Reserved before the join is tried, so concurrent connections of one address cannot overrun its budget.
        var ticket = await _joinGuard.ReserveAsync(_connection.ClientAddress, ct).ConfigureAwait(false);
        if (!ticket.Granted)
        {
            RefuseOverBudget(ticket, msg);
            return;
        }
        StoreStatus status;
        try
        {
            var keyHash = joinKey is null ? null : ResumeToken.Hash(joinKey);
            // A key alone names its session; with a code as well, the store checks that they agree.
            var code = msg.SessionCode ?? await _store.FindJoinLinkAsync(keyHash!, ct).ConfigureAwait(false);
            var request = new JoinRequest(code ?? "", MemberId, resumeToken is null ? null : ResumeToken.Hash(resumeToken), msg.RequestId,
                keyHash, _options.JoinWith == JoinWith.Link, _connection.UserAgent);
            status = code is null ? StoreStatus.JoinKeyInvalid : await TryJoinAsync(request, ct).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            _metrics.JoinFailed("store_unavailable");
            await ReleaseAsync(ticket).ConfigureAwait(false);
            throw;
        }
        if (status is StoreStatus.Ok or StoreStatus.Pending)
        {
            await ReleaseAsync(ticket).ConfigureAwait(false);
            return;
        }
        if (status is StoreStatus.NotFound or StoreStatus.JoinKeyInvalid)
        {
            _limiter.RecordFailedJoin();
        }
        _metrics.JoinFailed(status switch
        {
            StoreStatus.Full => "full",
            StoreStatus.NotFound => "not_found",
            StoreStatus.JoinKeyInvalid => "join_key_invalid",
            StoreStatus.Locked => "locked",
            _ => "other",
        });
        SendError(ErrorCodeOf(status), msg);
    }

    /// <summary>Joins; <see cref="StoreStatus.Pending"/> leaves the connection waiting in the session for the host's answer.</summary>
    private async ValueTask<StoreStatus> TryJoinAsync(JoinRequest request, CancellationToken ct)
    {
        var code = request.Code;
        var current = CurrentCode;
        if (current == code)
        {
            // The session one is in: the reply and state again (or the host role, with the token).
            var again = await _store.JoinAsync(request, ct).ConfigureAwait(false);
            if (again.Status is StoreStatus.Ok or StoreStatus.Pending)
            {
                SetMembership(code, again.Role, again.Status == StoreStatus.Pending, again.Encrypted);
                return again.Status;
            }
            // The store no longer has us (the session ended meanwhile): nothing is left to stay in.
            ForgetMembership(code);
            await ExitAsync(code).ConfigureAwait(false);
            return again.Status;
        }
        // Try the new session first and leave the old one only once in: a failed join (mistyped code, full,
        // refused, store down) leaves the connection where it was (docs/protocol.md, JOIN_SESSION).
        await EnterAsync(code, ct).ConfigureAwait(false);
        var result = await Guard(_store.JoinAsync(request, ct), code).ConfigureAwait(false);
        if (result.Status is not (StoreStatus.Ok or StoreStatus.Pending))
        {
            await ExitAsync(code).ConfigureAwait(false);
            return result.Status;
        }
        SetMembership(code, result.Role, result.Status == StoreStatus.Pending, result.Encrypted);
        if (current is not null)
        {
            await LeaveForAnotherAsync(current).ConfigureAwait(false);
        }
        return result.Status;
    }

    /// <summary>Refuses a join of an address over a budget; warns about the address once a minute (never with a code).</summary>
    private void RefuseOverBudget(JoinTicket ticket, InboundMessage msg)
    {
        var budget = ticket.RefusedBy == JoinBudget.Hour ? "address_hour" : "address_minute";
        _metrics.JoinRefused(budget);
        if (_refused.Record(ticket.Address))
        {
            Log.AddressOverJoinBudget(_logger, ticket.Address, budget, ticket.LastMinute, ticket.LastHour);
        }
        Refuse(msg);
    }

    /// <summary>Gives back the reservation of a join that did not fail for the client's sake; an outage only makes it count.</summary>
    private async ValueTask ReleaseAsync(JoinTicket ticket)
    {
        try
        {
            await _joinGuard.ReleaseAsync(ticket, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            // It expires with the hour's window.
        }
    }

    /// <summary>
    /// Leaves the session this connection was in before it joined another. The new membership is already set,
    /// so a store outage here is not the join's failure: the store keeps the leave and retries it.
    /// </summary>
    private async ValueTask LeaveForAnotherAsync(string code)
    {
        try
        {
            await LeaveAsync(code, LeaveReason.Left, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            Log.StoreUnavailable(_logger, _connection.Id, MessageTypes.NameOf(MessageKind.LeaveSession), ex.Message);
        }
    }

    private async ValueTask UpdateAsync(InboundMessage msg, StateKind kind, CancellationToken ct)
    {
        if (ResolveSession(msg) is not { } code)
        {
            return;
        }
        if (IsEncrypted && !SealedPayload.IsValid(msg.Payload.Span))
        {
            SendError(ErrorCodes.InvalidMessage, msg, "This session is end-to-end encrypted: payloads must be sealed");
            return;
        }
        var result = await _store.UpdateAsync(code, MemberId, kind, msg.Payload, _options.ViewerUpdates == ViewerUpdates.Deny, ct).ConfigureAwait(false);
        if (result.Status != StoreStatus.Ok)
        {
            await FailAsync(code, result.Status, msg).ConfigureAwait(false);
            return;
        }
        if (!msg.RequestId.IsEmpty)
        {
            _connection.Send(FrameEncoder.AckDelivered(code, result.Delivered, msg.RequestId.Span));
        }
    }

    private async ValueTask ReadAsync(InboundMessage msg, StateKind kind, CancellationToken ct)
    {
        if (ResolveSession(msg) is not { } code)
        {
            return;
        }
        var result = await _store.ReadAsync(code, MemberId, kind, ct).ConfigureAwait(false);
        if (result.Status != StoreStatus.Ok)
        {
            await FailAsync(code, result.Status, msg).ConfigureAwait(false);
        }
        else if (result.State.IsSet)
        {
            _connection.Send(FrameEncoder.State(kind, code, result.State.Seq, result.State.Payload.Span, msg.RequestId.Span));
        }
        else if (!msg.RequestId.IsEmpty)
        {
            _connection.Send(FrameEncoder.AckNotFound(code, msg.RequestId.Span));
        }
    }

    private async ValueTask LeaveSessionAsync(InboundMessage msg, CancellationToken ct)
    {
        if (ResolveSession(msg, allowWaiting: true) is not { } code)
        {
            return;
        }
        await LeaveCurrentAsync(code, ct).ConfigureAwait(false);
        _connection.Send(FrameEncoder.SessionLeft(code, msg.RequestId.Span));
    }

    private async ValueTask EndAsync(InboundMessage msg, CancellationToken ct)
    {
        if (ResolveSession(msg) is not { } code)
        {
            return;
        }
        var status = await _store.EndAsync(code, MemberId, msg.RequestId, ct).ConfigureAwait(false);
        if (status == StoreStatus.Ok)
        {
            _metrics.SessionEnded();
            Log.SessionEnded(_logger, code, Reasons.Name(EndReason.EndedByHost));
            return;
        }
        await FailAsync(code, status, msg).ConfigureAwait(false);
    }

    /// <summary>
    /// The session a message acts on: its <c>sessionId</c>, else the sender's session. Answers
    /// <c>SESSION_ID_REQUIRED</c> or <c>NOT_IN_SESSION</c> (never disclosing whether a code exists) and returns null.
    /// </summary>
    private string? ResolveSession(InboundMessage msg, bool allowWaiting = false)
    {
        string? current;
        bool waiting;
        lock (_gate)
        {
            (current, waiting) = (_code, _waiting);
        }
        var code = msg.SessionCode ?? current;
        if (code is null)
        {
            SendError(ErrorCodes.SessionIdRequired, msg);
            return null;
        }
        if (code != current || (waiting && !allowWaiting))
        {
            SendError(ErrorCodes.NotInSession, msg);
            return null;
        }
        return code;
    }

    private async ValueTask FailAsync(string code, StoreStatus status, InboundMessage msg)
    {
        if (status == StoreStatus.NotMember && ForgetMembership(code))
        {
            // The store no longer counts us in (the session ended or expired meanwhile).
            await _hub.DetachAsync(code, MemberId).ConfigureAwait(false);
        }
        SendError(ErrorCodeOf(status), msg);
    }

    private async ValueTask LeaveCurrentAsync(string code, CancellationToken ct)
    {
        ForgetMembership(code);
        await LeaveAsync(code, LeaveReason.Left, ct).ConfigureAwait(false);
    }

    /// <summary>Leaves a session this connection was a member of (membership already forgotten).</summary>
    private async ValueTask LeaveAsync(string code, LeaveReason reason, CancellationToken ct)
    {
        await _hub.DetachAsync(code, MemberId).ConfigureAwait(false);
        await _store.LeaveAsync(code, MemberId, reason, ct).ConfigureAwait(false);
    }

    /// <summary>Starts listening to a session before asking the store to let us in, so no event is missed.</summary>
    private ValueTask EnterAsync(string code, CancellationToken ct) => _hub.AttachAsync(code, this, ct);

    private ValueTask ExitAsync(string code) => _hub.DetachAsync(code, MemberId);

    /// <summary>Awaits a store call; when the store is unreachable, undoes <see cref="EnterAsync"/> before reporting it.</summary>
    private async ValueTask<T> Guard<T>(ValueTask<T> call, string? enteredCode)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (StoreUnavailableException) when (enteredCode is not null)
        {
            await ExitAsync(enteredCode).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Records the session the store let us in (or holds us waiting in). An admission that overtook the join's own
    /// answer (the host on another node was quick) counts as the answer.
    /// </summary>
    private void SetMembership(string code, MemberRole role, bool waiting, bool encrypted)
    {
        lock (_gate)
        {
            _code = code;
            _encrypted = encrypted;
            _waiting = waiting && _admittedEarly != code;
            _admittedEarly = null;
            waiting = _waiting;
        }
        if (!waiting)
        {
            _metrics.MemberJoined(role);
        }
    }

    private bool IsEncrypted
    {
        get { lock (_gate) return _encrypted; }
    }

    private static string ErrorCodeOf(StoreStatus status) => status switch
    {
        StoreStatus.NotFound => ErrorCodes.SessionNotFound,
        StoreStatus.NotMember => ErrorCodes.NotInSession,
        StoreStatus.NotHost => ErrorCodes.NotHost,
        StoreStatus.Full => ErrorCodes.SessionFull,
        StoreStatus.Busy => ErrorCodes.ServerBusy,
        StoreStatus.Unavailable => ErrorCodes.StoreUnavailable,
        StoreStatus.NotAllowed => ErrorCodes.NotAllowed,
        StoreStatus.HostLimit => ErrorCodes.HostSessionLimit,
        StoreStatus.Locked => ErrorCodes.SessionLocked,
        StoreStatus.Kicked => ErrorCodes.Kicked,
        StoreStatus.JoinKeyInvalid => ErrorCodes.JoinKeyInvalid,
        StoreStatus.JoinKeyRequired => ErrorCodes.JoinKeyRequired,
        StoreStatus.MemberNotFound => ErrorCodes.MemberNotFound,
        _ => ErrorCodes.ServerBusy,
    };
}
