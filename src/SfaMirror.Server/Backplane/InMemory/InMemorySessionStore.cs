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
            var resumes = session.ResumesWith(resumeTokenHash);
            var index = session.IndexOf(memberId);
            if (index >= 0 && !(resumes && session.Members[index].Role == MemberRole.Viewer))
            {
                // Joining the session one is in: the reply and the state again, nothing else.
                var role = session.Members[index].Role;
                Joined(session, memberId, role, requestId);
                return ValueTask.FromResult(new JoinResult(StoreStatus.Ok, role, session.Members.Count));
            }
            if (index >= 0)
            {
                // A viewer presenting the token becomes the host.
                session.Members.RemoveAt(index);
                PeerLeft(session, memberId, MemberRole.Viewer, LeaveReason.Left);
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
                sink.OnEvent(new SessionEvent { Kind = SessionEventKind.HostResumed, Code = code, MemberId = previousHost, Role = MemberRole.Host, Members = session.Members.Count });
                PeerLeft(session, memberId, MemberRole.Host, LeaveReason.Disconnected);
            }
            var newRole = resumes ? MemberRole.Host : MemberRole.Viewer;
            session.Members.Add((memberId, newRole));
            session.EmptySince = null;
            session.LastActivity = time.GetUtcNow();
            Joined(session, memberId, newRole, requestId);
            sink.OnEvent(new SessionEvent { Kind = SessionEventKind.PeerJoined, Code = code, MemberId = memberId, Role = newRole, Members = session.Members.Count });
            return ValueTask.FromResult(new JoinResult(StoreStatus.Ok, newRole, session.Members.Count));
        }
    }

    private void Joined(MemorySession session, string memberId, MemberRole role, ReadOnlyMemory<byte> requestId) =>
        sink.OnEvent(new SessionEvent
        {
            Kind = SessionEventKind.Joined, Code = session.Code, MemberId = memberId, Role = role, Members = session.Members.Count,
            HostVerified = session.Access.HostVerified, RequestId = requestId, Customer = session.Customer, Product = session.Product,
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
                if (session.EmptySince is { } emptySince && emptySince + _options.EmptySessionGrace <= now)
                {
                    Remove(session, now);
                    (deleted ??= []).Add(session.Code);
                }
                else if (session.LastActivity + _options.IdleSessionTimeout <= now)
                {
                    Remove(session, now);
                    sink.OnEvent(new SessionEvent { Kind = SessionEventKind.Ended, Code = session.Code, EndReason = EndReason.Expired });
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
                list.Add(new SessionInfo(session.Code, hosts, session.Members.Count - hosts, session.CreatedAt, session.LastActivity, session.Seq, session.Access.HostSubject));
            }
        }
        return ValueTask.FromResult<IReadOnlyList<SessionInfo>>(list);
    }

    public ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

}
