using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Backplane.InMemory;

/// <summary>
/// Sessions in this process's memory: the zero-setup default. Each operation locks its one session,
/// changes it and reports the resulting events to the sink before unlocking, so members see events in
/// exactly the order they took effect. The sink only queues, so no lock is ever held across a wait.
/// </summary>
internal sealed class InMemorySessionStore(ISessionEventSink sink, IOptions<StoreOptions> options, TimeProvider time)
    : ISessionStore
{
    private readonly StoreOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, MemorySession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _retiredUntil = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _hostedBy = new(StringComparer.Ordinal);
    private readonly Lock _hostedGate = new();
    /// <summary>Join keys by hash. A link is used up under its session's lock, so two joins never take its last use.</summary>
    private readonly ConcurrentDictionary<string, MemoryJoinLink> _links = new(StringComparer.Ordinal);
    private int _count;

    public ValueTask<StoreStatus> CreateAsync(string code, string memberId, string resumeTokenHash, SessionAccess access, ReadOnlyMemory<byte> requestId, CancellationToken cancellationToken)
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
        if (!TryCountHost(access.HostSubject))
        {
            Interlocked.Decrement(ref _count);
            return ValueTask.FromResult(StoreStatus.HostLimit);
        }
        var session = new MemorySession(code, memberId, resumeTokenHash, access, now);
        lock (session)
        {
            if (!_sessions.TryAdd(code, session))
            {
                Interlocked.Decrement(ref _count);
                UncountHost(access.HostSubject);
                return ValueTask.FromResult(StoreStatus.CodeTaken);
            }
            sink.OnEvent(new SessionEvent { Kind = SessionEventKind.Created, Code = code, MemberId = memberId, Role = MemberRole.Host, Members = 1, RequestId = requestId });
        }
        return ValueTask.FromResult(StoreStatus.Ok);
    }

    /// <summary>Counts one more live session for a host subject, unless it has <c>MaxSessionsPerHost</c> already (check and count at once).</summary>
    private bool TryCountHost(string? subject)
    {
        if (subject is null)
        {
            return true;
        }
        lock (_hostedGate)
        {
            var hosted = _hostedBy.GetValueOrDefault(subject);
            if (hosted >= _options.MaxSessionsPerHost)
            {
                return false;
            }
            _hostedBy[subject] = hosted + 1;
            return true;
        }
    }

    private void UncountHost(string? subject)
    {
        if (subject is null)
        {
            return;
        }
        lock (_hostedGate)
        {
            if (_hostedBy.GetValueOrDefault(subject) <= 1)
            {
                _hostedBy.Remove(subject);
            }
            else
            {
                _hostedBy[subject]--;
            }
        }
    }

    public ValueTask<JoinResult> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        var (code, memberId) = (request.Code, request.MemberId);
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(new JoinResult(StoreStatus.NotFound, default, 0));
        }
        lock (session)
        {
            return ValueTask.FromResult(session.Gone ? new JoinResult(StoreStatus.NotFound, default, 0) : Join(session, request));
        }
    }

    /// <summary>Called under the session's lock; the order of the rules is docs/protocol.md's (and the Redis join script's).</summary>
    private JoinResult Join(MemorySession session, in JoinRequest request)
    {
        var (code, memberId, requestId) = (session.Code, request.MemberId, request.RequestId);
        var now = time.GetUtcNow();
        var encrypted = session.Access.Encrypted;
        var resumes = session.ResumesWith(request.ResumeTokenHash);
        var index = session.IndexOf(memberId);
        if (index >= 0 && !(resumes && session.Members[index].Role == MemberRole.Viewer))
        {
            // Joining the session one is in: the reply and the state again, nothing else.
            var role = session.Members[index].Role;
            Joined(session, memberId, role, requestId);
            if (role == MemberRole.Host)
            {
                RequestAgain(session, memberId);
            }
            return new JoinResult(StoreStatus.Ok, role, session.Members.Count, encrypted);
        }
        var pendingIndex = session.PendingIndexOf(memberId);
        if (pendingIndex >= 0 && !resumes)
        {
            Pending(session, memberId, requestId);
            return new JoinResult(StoreStatus.Pending, MemberRole.Viewer, session.Members.Count, encrypted);
        }
        MemoryJoinLink? link = null;
        if (!resumes)
        {
            if (session.WasKicked(memberId))
            {
                return new JoinResult(StoreStatus.Kicked, default, session.Members.Count);
            }
            if (request.JoinKeyHash is { } keyHash)
            {
                if (!_links.TryGetValue(keyHash, out link) || link.Code != code || link.Uses <= 0 || link.ExpiresAt <= now)
                {
                    return new JoinResult(StoreStatus.JoinKeyInvalid, default, session.Members.Count);
                }
            }
            else if (request.KeyRequired)
            {
                return new JoinResult(StoreStatus.JoinKeyRequired, default, session.Members.Count);
            }
            if (session.Locked)
            {
                return new JoinResult(StoreStatus.Locked, default, session.Members.Count);
            }
        }
        else if (pendingIndex >= 0)
        {
            // A waiting viewer presenting the resume token is the host coming back: it waits no longer.
            session.Pending.RemoveAt(pendingIndex);
        }
        var hostIndex = resumes ? session.HostIndex() : -1;
        if (index < 0 && hostIndex < 0 && session.Members.Count + session.PendingCount >= _options.MaxMembersPerSession)
        {
            return new JoinResult(StoreStatus.Full, default, session.Members.Count);
        }
        if (!resumes && session.Access.AdmitByHost)
        {
            UseUp(link);
            session.Pending.Add(new PendingJoin(memberId, System.Text.Encoding.UTF8.GetBytes(request.UserAgent), requestId.ToArray(), now));
            session.LastActivity = now;
            Pending(session, memberId, requestId);
            if (session.HostId is { } host)
            {
                Requested(session, session.Pending[^1], host);
            }
            return new JoinResult(StoreStatus.Pending, MemberRole.Viewer, session.Members.Count, encrypted);
        }
        UseUp(link);
        if (index >= 0)
        {
            // A viewer presenting the token becomes the host.
            session.Members.RemoveAt(index);
            PeerLeft(session, memberId, MemberRole.Viewer, LeaveReason.Left);
        }
        if (hostIndex >= 0)
        {
            var previousHost = session.Members[hostIndex].MemberId;
            session.Members.RemoveAt(hostIndex);
            sink.OnEvent(new SessionEvent { Kind = SessionEventKind.HostResumed, Code = code, MemberId = previousHost, Role = MemberRole.Host, Members = session.Members.Count });
            PeerLeft(session, memberId, MemberRole.Host, LeaveReason.Disconnected);
        }
        var newRole = resumes ? MemberRole.Host : MemberRole.Viewer;
        session.Members.Add((memberId, newRole));
        session.EmptySince = null;
        session.LastActivity = now;
        Joined(session, memberId, newRole, requestId);
        sink.OnEvent(new SessionEvent { Kind = SessionEventKind.PeerJoined, Code = code, MemberId = memberId, Role = newRole, Members = session.Members.Count });
        if (newRole == MemberRole.Host)
        {
            RequestAgain(session, memberId);
        }
        return new JoinResult(StoreStatus.Ok, newRole, session.Members.Count, encrypted);
    }

    private void UseUp(MemoryJoinLink? link)
    {
        if (link is not null && --link.Uses <= 0)
        {
            _links.TryRemove(new KeyValuePair<string, MemoryJoinLink>(link.KeyHash, link));
        }
    }

    private void Pending(MemorySession session, string memberId, ReadOnlyMemory<byte> requestId) =>
        sink.OnEvent(new SessionEvent
        {
            Kind = SessionEventKind.JoinPending, Code = session.Code, MemberId = memberId, Role = MemberRole.Viewer,
            Members = session.Members.Count, RequestId = requestId, Encrypted = session.Access.Encrypted,
        });

    private void Requested(MemorySession session, PendingJoin pending, string hostId) =>
        sink.OnEvent(new SessionEvent
        {
            Kind = SessionEventKind.JoinRequested, Code = session.Code, MemberId = pending.MemberId, OtherMemberId = hostId,
            Role = MemberRole.Viewer, Members = session.Members.Count, Data = pending.UserAgent,
        });

    /// <summary>A host that (re)joins is told of every viewer still waiting.</summary>
    private void RequestAgain(MemorySession session, string hostId)
    {
        if (session.PendingCount == 0)
        {
            return;
        }
        foreach (var pending in session.Pending)
        {
            Requested(session, pending, hostId);
        }
    }

    /// <summary>A waiting viewer is out: it is told why, and the host (when there is one, and it did not decide) that it is gone.</summary>
    private void PendingGone(MemorySession session, PendingJoin pending, LeaveReason reason, bool tellViewer, bool tellHost)
    {
        if (tellViewer)
        {
            sink.OnEvent(new SessionEvent { Kind = SessionEventKind.JoinDenied, Code = session.Code, MemberId = pending.MemberId, LeaveReason = reason, Members = session.Members.Count });
        }
        if (tellHost && session.HostId is { } host)
        {
            sink.OnEvent(new SessionEvent { Kind = SessionEventKind.JoinWithdrawn, Code = session.Code, MemberId = pending.MemberId, OtherMemberId = host, LeaveReason = reason, Members = session.Members.Count });
        }
    }

    /// <summary>Under the session's lock: whether the member may act as its host (the host-only operations' one check).</summary>
    private static StoreStatus HostStatus(MemorySession session, string memberId)
    {
        var index = session.IndexOf(memberId);
        if (session.Gone || index < 0)
        {
            return StoreStatus.NotMember;
        }
        return session.Members[index].Role == MemberRole.Host ? StoreStatus.Ok : StoreStatus.NotHost;
    }

    public ValueTask<StoreStatus> ControlAsync(string code, string hostMemberId, HostControl control, string? targetMemberId, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(StoreStatus.NotMember);
        }
        lock (session)
        {
            if (HostStatus(session, hostMemberId) is var refused and not StoreStatus.Ok)
            {
                return ValueTask.FromResult(refused);
            }
            session.LastActivity = time.GetUtcNow();
            return ValueTask.FromResult(Control(session, hostMemberId, control, targetMemberId ?? ""));
        }
    }

    private StoreStatus Control(MemorySession session, string hostId, HostControl control, string target)
    {
        if (control is HostControl.Lock or HostControl.Unlock)
        {
            session.Locked = control == HostControl.Lock;
            return StoreStatus.Ok;
        }
        if (target == hostId)
        {
            return StoreStatus.NotAllowed;
        }
        var pendingIndex = session.PendingIndexOf(target);
        if (pendingIndex >= 0)
        {
            var pending = session.Pending[pendingIndex];
            session.Pending.RemoveAt(pendingIndex);
            if (control == HostControl.Admit)
            {
                session.Members.Add((target, MemberRole.Viewer));
                session.EmptySince = null;
                Joined(session, target, MemberRole.Viewer, pending.RequestId);
                sink.OnEvent(new SessionEvent { Kind = SessionEventKind.PeerJoined, Code = session.Code, MemberId = target, Role = MemberRole.Viewer, Members = session.Members.Count });
            }
            else
            {
                session.Kick(target);
                PendingGone(session, pending, LeaveReason.Kicked, tellViewer: true, tellHost: false);
            }
            return StoreStatus.Ok;
        }
        var index = control == HostControl.Kick ? session.IndexOf(target) : -1;
        if (index < 0)
        {
            return StoreStatus.MemberNotFound;
        }
        var role = session.Members[index].Role;
        session.Members.RemoveAt(index);
        session.Kick(target);
        sink.OnEvent(new SessionEvent { Kind = SessionEventKind.Kicked, Code = session.Code, MemberId = target, Role = role, Members = session.Members.Count, LeaveReason = LeaveReason.Kicked, EndReason = EndReason.Kicked });
        return StoreStatus.Ok;
    }

    public ValueTask<StoreStatus> SignalAsync(string code, string fromMemberId, string toMemberId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(StoreStatus.NotMember);
        }
        lock (session)
        {
            if (session.Gone)
            {
                return ValueTask.FromResult(StoreStatus.NotMember);
            }
            var status = SignalStatus(session, fromMemberId, toMemberId);
            if (status == StoreStatus.Ok)
            {
                session.LastActivity = time.GetUtcNow();
                sink.OnEvent(new SessionEvent { Kind = SessionEventKind.Signal, Code = code, MemberId = fromMemberId, OtherMemberId = toMemberId, Data = data, Members = session.Members.Count });
            }
            return ValueTask.FromResult(status);
        }
    }

    /// <summary>
    /// Who may signal whom (docs/protocol.md, "Messages to one member"): members each other; the host and a waiting
    /// viewer each other. Anyone else, waiting viewers included, is not found (a viewer learns nothing of who waits).
    /// </summary>
    private static StoreStatus SignalStatus(MemorySession session, string from, string to)
    {
        var fromIndex = session.IndexOf(from);
        var fromPending = fromIndex < 0 && session.PendingIndexOf(from) >= 0;
        if (fromIndex < 0 && !fromPending)
        {
            return StoreStatus.NotMember;
        }
        if (from == to)
        {
            return StoreStatus.NotAllowed;
        }
        var toIndex = session.IndexOf(to);
        var toPending = toIndex < 0 && session.PendingIndexOf(to) >= 0;
        var fromHost = fromIndex >= 0 && session.Members[fromIndex].Role == MemberRole.Host;
        var toHost = toIndex >= 0 && session.Members[toIndex].Role == MemberRole.Host;
        var allowed = fromPending ? toHost : toIndex >= 0 || toPending && fromHost;
        return allowed ? StoreStatus.Ok : StoreStatus.MemberNotFound;
    }

    public ValueTask<StoreStatus> CreateJoinLinkAsync(string code, string hostMemberId, string keyHash, TimeSpan ttl, int uses, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(StoreStatus.NotMember);
        }
        lock (session)
        {
            if (HostStatus(session, hostMemberId) is var refused and not StoreStatus.Ok)
            {
                return ValueTask.FromResult(refused);
            }
            _links[keyHash] = new MemoryJoinLink(keyHash, code, uses, time.GetUtcNow() + ttl);
            session.LastActivity = time.GetUtcNow();
            return ValueTask.FromResult(StoreStatus.Ok);
        }
    }

    public ValueTask<string?> FindJoinLinkAsync(string keyHash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_links.TryGetValue(keyHash, out var link) && link.Uses > 0 && link.ExpiresAt > time.GetUtcNow() ? link.Code : null);

    private void Joined(MemorySession session, string memberId, MemberRole role, ReadOnlyMemory<byte> requestId) =>
        sink.OnEvent(new SessionEvent
        {
            Kind = SessionEventKind.Joined, Code = session.Code, MemberId = memberId, Role = role, Members = session.Members.Count,
            HostVerified = session.Access.HostVerified, Encrypted = session.Access.Encrypted, RequestId = requestId,
            Customer = session.Customer, Product = session.Product,
        });

    /// <summary>Tells the others that <paramref name="memberId"/> is gone (it is already out of the member list).</summary>
    private void PeerLeft(MemorySession session, string memberId, MemberRole role, LeaveReason reason) =>
        sink.OnEvent(new SessionEvent { Kind = SessionEventKind.PeerLeft, Code = session.Code, MemberId = memberId, Role = role, Members = session.Members.Count, LeaveReason = reason });

    public ValueTask<LeaveResult> LeaveAsync(string code, string memberId, LeaveReason reason, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(default(LeaveResult));
        }
        lock (session)
        {
            var index = session.IndexOf(memberId);
            if (!session.Gone && index < 0 && session.PendingIndexOf(memberId) is var pendingIndex and >= 0)
            {
                var pending = session.Pending[pendingIndex];
                session.Pending.RemoveAt(pendingIndex);
                PendingGone(session, pending, reason, tellViewer: false, tellHost: true);
                return ValueTask.FromResult(default(LeaveResult));
            }
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
                PeerLeft(session, memberId, role, reason);
            }
            return ValueTask.FromResult(new LeaveResult(true, role, session.Members.Count));
        }
    }

    public ValueTask<UpdateResult> UpdateAsync(string code, string memberId, StateKind kind, ReadOnlyMemory<byte> payload, bool denyAllViewers, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(new UpdateResult(StoreStatus.NotMember, 0, 0));
        }
        lock (session)
        {
            var index = session.IndexOf(memberId);
            if (session.Gone || index < 0)
            {
                return ValueTask.FromResult(new UpdateResult(StoreStatus.NotMember, 0, 0));
            }
            if (!SessionAccess.MayUpdate(session.Members[index].Role == MemberRole.Viewer, session.Access.ViewersReadOnly, denyAllViewers))
            {
                return ValueTask.FromResult(new UpdateResult(StoreStatus.NotAllowed, 0, 0));
            }
            var seq = ++session.Seq;
            // The payload arrived in the connection's receive buffer: the store keeps its own copy.
            var update = new StoredState(seq, payload.ToArray());
            session.SetState(kind, StoredState.Clears(payload.Span) ? StoredState.None : update);
            session.LastActivity = time.GetUtcNow();
            sink.OnEvent(new SessionEvent { Kind = SessionEventKind.State, Code = code, MemberId = memberId, Members = session.Members.Count, StateKind = kind, State = update });
            return ValueTask.FromResult(new UpdateResult(StoreStatus.Ok, session.Members.Count - 1, seq));
        }
    }

    public ValueTask<ReadResult> ReadAsync(string code, string memberId, StateKind kind, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(code, out var session))
        {
            return ValueTask.FromResult(new ReadResult(StoreStatus.NotMember, StoredState.None));
        }
        lock (session)
        {
            if (session.Gone || session.IndexOf(memberId) < 0)
            {
                return ValueTask.FromResult(new ReadResult(StoreStatus.NotMember, StoredState.None));
            }
            session.LastActivity = time.GetUtcNow();
            return ValueTask.FromResult(new ReadResult(StoreStatus.Ok, session.StateOf(kind)));
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
            if (HostStatus(session, memberId) is var refused and not StoreStatus.Ok)
            {
                return ValueTask.FromResult(refused);
            }
            Remove(session, time.GetUtcNow());
            sink.OnEvent(new SessionEvent { Kind = SessionEventKind.Ended, Code = code, MemberId = memberId, EndReason = EndReason.EndedByHost, RequestId = requestId });
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
                ExpirePending(session, now - _options.AdmissionTimeout);
                if (session.EmptySince is { } emptySince && emptySince + _options.EmptySessionGrace <= now)
                {
                    // Nobody is left to admit whoever still waits.
                    ExpirePending(session, DateTimeOffset.MaxValue);
                    Remove(session, now);
                    (deleted ??= []).Add(session.Code);
                }
                else if (session.LastActivity + _options.IdleSessionTimeout <= now)
                {
                    ExpirePending(session, DateTimeOffset.MaxValue);
                    Remove(session, now);
                    sink.OnEvent(new SessionEvent { Kind = SessionEventKind.Ended, Code = session.Code, EndReason = EndReason.Expired });
                    (expired ??= []).Add(session.Code);
                }
            }
        }
        foreach (var (key, link) in _links)
        {
            if (link.ExpiresAt <= now)
            {
                _links.TryRemove(new KeyValuePair<string, MemoryJoinLink>(key, link));
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

    /// <summary>Called under the session's lock: viewers waiting since before <paramref name="before"/> time out.</summary>
    private void ExpirePending(MemorySession session, DateTimeOffset before)
    {
        while (session.PendingCount > 0 && session.Pending[0].Since < before)
        {
            var pending = session.Pending[0];
            session.Pending.RemoveAt(0);
            PendingGone(session, pending, LeaveReason.Timeout, tellViewer: true, tellHost: true);
        }
    }

    private void Remove(MemorySession session, DateTimeOffset now)
    {
        session.Gone = true;
        _retiredUntil[session.Code] = now + _options.CodeReuseBlock;
        if (_sessions.TryRemove(new KeyValuePair<string, MemorySession>(session.Code, session)))
        {
            Interlocked.Decrement(ref _count);
            UncountHost(session.Access.HostSubject);
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
                var access = session.Access;
                list.Add(new SessionInfo(session.Code, hosts, session.Members.Count - hosts, session.CreatedAt, session.LastActivity, session.Seq, access.HostSubject,
                    session.PendingCount, access.ViewersReadOnly, access.AdmitByHost, session.Locked, access.Encrypted));
            }
        }
        return ValueTask.FromResult<IReadOnlyList<SessionInfo>>(list);
    }

    public ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

}
