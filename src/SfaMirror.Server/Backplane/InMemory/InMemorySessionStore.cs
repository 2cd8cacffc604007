using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Protocol;
using SfaMirror.Server.Sessions;

namespace SfaMirror.Server.Backplane.InMemory;

/// <summary>
/// Sessions in this process's memory: the zero-setup default. Each operation locks its one session,
/// changes it and reports the resulting events to the sink before unlocking, so members see events in
/// exactly the order they took effect. The sink only queues, so no lock is ever held across a wait.
/// </summary>
internal sealed class InMemorySessionStore(ISessionEventSink sink, IOptions<RelayOptions> options, TimeProvider time)
    : ISessionStore, ISessionSubscriptions
{
    private readonly RelayOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, MemorySession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _retiredUntil = new(StringComparer.Ordinal);
    private int _count;

    public ValueTask<StoreStatus> CreateAsync(string code, string memberId, string resumeToken, ReadOnlyMemory<byte> requestId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_retiredUntil.TryGetValue(code, out var until) && until > now || _sessions.ContainsKey(code))
        {
            return ValueTask.FromResult(StoreStatus.CodeTaken);
        }
        if (Interlocked.Increment(ref _count) > _options.MaxSessions)
        {
            Interlocked.Decrement(ref _count);
            return ValueTask.FromResult(StoreStatus.Busy);
        }
        var session = new MemorySession(code, memberId, ResumeToken.Hash(resumeToken), now);
        lock (session)
        {
            if (!_sessions.TryAdd(code, session))
            {
                Interlocked.Decrement(ref _count);
                return ValueTask.FromResult(StoreStatus.CodeTaken);
            }
            sink.DeliverToMember(code, memberId, FrameEncoder.SessionCreated(code, resumeToken, requestId.Span), null, null);
        }
        return ValueTask.FromResult(StoreStatus.Ok);
    }

    public ValueTask<JoinResult> JoinAsync(string code, string memberId, string? resumeTokenHash, ReadOnlyMemory<byte> requestId, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(new JoinResult(StoreStatus.NotFound, default, 0));
        }
        lock (session)
        {
            if (session.Gone)
            {
                return ValueTask.FromResult(new JoinResult(StoreStatus.NotFound, default, 0));
            }
            var resumes = ResumeToken.Matches(session.ResumeTokenHash, resumeTokenHash);
            var index = session.IndexOf(memberId);
            if (index >= 0 && !(resumes && session.Members[index].Role == MemberRole.Viewer))
            {
                // Joining the session one is in: the reply and the state again, nothing else.
                var role = session.Members[index].Role;
                DeliverJoined(session, memberId, role, requestId.Span);
                return ValueTask.FromResult(new JoinResult(StoreStatus.Ok, role, session.Members.Count));
            }
            if (index >= 0)
            {
                // A viewer presenting the token becomes the host.
                session.Members.RemoveAt(index);
                sink.Broadcast(code, memberId, FrameEncoder.PeerLeft(code, MemberRole.Viewer, session.Members.Count, LeaveReason.Left), null);
            }
            var hostIndex = resumes ? session.HostIndex() : -1;
            if (index < 0 && hostIndex < 0 && session.Members.Count >= _options.MaxMembersPerSession)
            {
                return ValueTask.FromResult(new JoinResult(StoreStatus.Full, default, session.Members.Count));
            }
            if (hostIndex >= 0)
            {
                var previousHost = session.Members[hostIndex].MemberId;
                session.Members.RemoveAt(hostIndex);
                sink.HostResumedElsewhere(code, previousHost);
                sink.Broadcast(code, memberId, FrameEncoder.PeerLeft(code, MemberRole.Host, session.Members.Count, LeaveReason.Disconnected), null);
            }
            var newRole = resumes ? MemberRole.Host : MemberRole.Viewer;
            session.Members.Add((memberId, newRole));
            session.EmptySince = null;
            session.LastActivity = time.GetUtcNow();
            DeliverJoined(session, memberId, newRole, requestId.Span);
            sink.Broadcast(code, memberId, FrameEncoder.PeerJoined(code, newRole, session.Members.Count), null);
            return ValueTask.FromResult(new JoinResult(StoreStatus.Ok, newRole, session.Members.Count));
        }
    }

    private void DeliverJoined(MemorySession session, string memberId, MemberRole role, ReadOnlySpan<byte> requestId) =>
        sink.DeliverToMember(session.Code, memberId,
            FrameEncoder.SessionJoined(session.Code, role, session.Members.Count, requestId),
            session.CustomerFrame, session.ProductFrame);

    public ValueTask<LeaveResult> LeaveAsync(string code, string memberId, LeaveReason reason, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(default(LeaveResult));
        }
        lock (session)
        {
            var index = session.IndexOf(memberId);
            if (session.Gone || index < 0)
            {
                return ValueTask.FromResult(default(LeaveResult));
            }
            var role = session.Members[index].Role;
            session.Members.RemoveAt(index);
            if (session.Members.Count == 0)
            {
                session.EmptySince = time.GetUtcNow();
            }
            else
            {
                sink.Broadcast(code, memberId, FrameEncoder.PeerLeft(code, role, session.Members.Count, reason), null);
            }
            return ValueTask.FromResult(new LeaveResult(true, role, session.Members.Count));
        }
    }

    public ValueTask<UpdateResult> UpdateAsync(string code, string memberId, StateKind kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(new UpdateResult(StoreStatus.NotMember, 0, 0));
        }
        lock (session)
        {
            if (session.Gone || session.IndexOf(memberId) < 0)
            {
                return ValueTask.FromResult(new UpdateResult(StoreStatus.NotMember, 0, 0));
            }
            var seq = ++session.Seq;
            // The frame is encoded once: it is what every member is sent now and what a late joiner gets.
            var frame = FrameEncoder.State(kind, code, seq, payload.Span);
            // A null payload clears the state (PROTOCOL.md): it is relayed, but a late joiner or a
            // REQUEST_* then finds no state, as with the original server. 0, false and "" are real state.
            var stored = payload.IsEmpty || payload.Span.SequenceEqual("null"u8) ? null : frame;
            if (kind == StateKind.Customer)
            {
                session.CustomerFrame = stored;
                session.CustomerSeq = seq;
            }
            else
            {
                session.ProductFrame = stored;
                session.ProductSeq = seq;
            }
            session.LastActivity = time.GetUtcNow();
            sink.Broadcast(code, memberId, frame, kind);
            return ValueTask.FromResult(new UpdateResult(StoreStatus.Ok, session.Members.Count - 1, seq));
        }
    }

    public ValueTask<ReadResult> ReadAsync(string code, string memberId, StateKind kind, ReadOnlyMemory<byte> requestId, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(new ReadResult(StoreStatus.NotMember, null));
        }
        lock (session)
        {
            if (session.Gone || session.IndexOf(memberId) < 0)
            {
                return ValueTask.FromResult(new ReadResult(StoreStatus.NotMember, null));
            }
            session.LastActivity = time.GetUtcNow();
            var frame = session.StateFrame(kind);
            if (frame is not null && !requestId.IsEmpty)
            {
                var seq = kind == StateKind.Customer ? session.CustomerSeq : session.ProductSeq;
                frame = FrameEncoder.State(kind, code, seq, FrameEncoder.PayloadOfState(frame), requestId.Span);
            }
            return ValueTask.FromResult(new ReadResult(StoreStatus.Ok, frame));
        }
    }

    public ValueTask<StoreStatus> EndAsync(string code, string memberId, ReadOnlyMemory<byte> requestId, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(StoreStatus.NotMember);
        }
        lock (session)
        {
            var index = session.IndexOf(memberId);
            if (session.Gone || index < 0)
            {
                return ValueTask.FromResult(StoreStatus.NotMember);
            }
            if (session.Members[index].Role != MemberRole.Host)
            {
                return ValueTask.FromResult(StoreStatus.NotHost);
            }
            Remove(session, time.GetUtcNow());
            sink.SessionEnded(code, memberId,
                FrameEncoder.SessionEnded(code, EndReason.EndedByHost, requestId.Span),
                FrameEncoder.SessionEnded(code, EndReason.EndedByHost, default));
            return ValueTask.FromResult(StoreStatus.Ok);
        }
    }

    public ValueTask<SweepResult> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<string>? deleted = null, expired = null;
        foreach (var (_, session) in _sessions)
        {
            lock (session)
            {
                if (session.Gone)
                {
                    continue;
                }
                if (session.EmptySince is { } emptySince && emptySince + _options.EmptySessionGrace <= now)
                {
                    Remove(session, now);
                    (deleted ??= []).Add(session.Code);
                }
                else if (session.LastActivity + _options.IdleSessionTimeout <= now)
                {
                    Remove(session, now);
                    var frame = FrameEncoder.SessionEnded(session.Code, EndReason.Expired, default);
                    sink.SessionEnded(session.Code, null, frame, frame);
                    (expired ??= []).Add(session.Code);
                }
            }
        }
        foreach (var (code, until) in _retiredUntil)
        {
            if (until <= now)
            {
                _retiredUntil.TryRemove(new KeyValuePair<string, DateTimeOffset>(code, until));
            }
        }
        return ValueTask.FromResult(deleted is null && expired is null
            ? SweepResult.Empty
            : new SweepResult(deleted ?? [], expired ?? []));
    }

    private void Remove(MemorySession session, DateTimeOffset now)
    {
        session.Gone = true;
        _retiredUntil[session.Code] = now + _options.CodeReuseBlock;
        if (_sessions.TryRemove(new KeyValuePair<string, MemorySession>(session.Code, session)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    public ValueTask<StoreStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        int sessions = 0, members = 0;
        foreach (var (_, session) in _sessions)
        {
            lock (session)
            {
                sessions++;
                members += session.Members.Count;
            }
        }
        return ValueTask.FromResult(new StoreStats(sessions, members));
    }

    public ValueTask<IReadOnlyList<SessionInfo>> ListSessionsAsync(int max, CancellationToken cancellationToken)
    {
        var list = new List<SessionInfo>();
        foreach (var (_, session) in _sessions)
        {
            if (list.Count >= max)
            {
                break;
            }
            lock (session)
            {
                var hosts = session.Members.Count(m => m.Role == MemberRole.Host);
                list.Add(new SessionInfo(session.Code, hosts, session.Members.Count - hosts, session.CreatedAt, session.LastActivity, session.Seq));
            }
        }
        return ValueTask.FromResult<IReadOnlyList<SessionInfo>>(list);
    }

    public ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    // In one process every member hears every session through the hub directly: nothing to subscribe.
    public ValueTask SubscribeAsync(string sessionCode, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask UnsubscribeAsync(string sessionCode) => ValueTask.CompletedTask;
}
