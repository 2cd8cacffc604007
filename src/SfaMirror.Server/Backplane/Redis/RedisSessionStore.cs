using System.Buffers.Text;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Observability;
using SfaMirror.Server.Protocol;
using StackExchange.Redis;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// Sessions in Redis, shared by every relay node. Each operation is one Lua script (<see cref="RedisScripts"/>):
/// atomic, and publishing what members must be told on the session's channel, from which every node with
/// members in the session delivers it (<see cref="RedisEventDispatcher"/>). Payloads are stored and
/// forwarded as the raw JSON bytes they arrived as.
/// </summary>
internal sealed partial class RedisSessionStore(
    RedisConnection redis,
    RedisKeys keys,
    NodeIdentity node,
    IOptions<StoreOptions> options,
    ILogger<RedisSessionStore> logger) : ISessionStore
{
    private const int SweepBatch = 200;

    private readonly StoreOptions _options = options.Value;
    private readonly ConcurrentDictionary<(string Code, string MemberId), LeaveReason> _pendingLeaves = new();

    /// <summary>Session keys outlive any rule that deletes them, so a cluster that stopped altogether leaves nothing behind.</summary>
    private long SafetyTtlMs => Ms(_options.IdleSessionTimeout + _options.EmptySessionGrace + TimeSpan.FromMinutes(1));

    public async ValueTask<StoreStatus> CreateAsync(string code, string memberId, string resumeTokenHash, SessionAccess access, ReadOnlyMemory<byte> requestId, CancellationToken cancellationToken)
    {
        var result = await redis.EvaluateAsync(RedisScripts.Create,
            [keys.Session(code), keys.Members(code), keys.Retired(code), keys.Sessions, keys.LastActivity, keys.NodeMembers(node.NodeId), keys.EmptySince],
            [code, memberId, resumeTokenHash, _options.MaxSessions, SafetyTtlMs, Channel(code), requestId,
             Flag(access.ViewersReadOnly), access.HostSubject ?? "", Flag(access.HostVerified), keys.HostSessionsPrefix, _options.MaxSessionsPerHost, keys.SessionPrefix,
             Flag(access.AdmitByHost), Flag(access.Encrypted)]).ConfigureAwait(false);
        return (StoreStatus)(int)result;
    }

    public async ValueTask<JoinResult> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        var (code, memberId) = (request.Code, request.MemberId);
        // A leave that failed in an outage must not undo this join when it is retried.
        _pendingLeaves.TryRemove((code, memberId), out _);
        var link = request.JoinKeyHash is { } keyHash ? keys.JoinLink(keyHash) : keys.JoinLink("-");
        var result = await redis.EvaluateAsync(RedisScripts.Join,
            [keys.Session(code), keys.Members(code), keys.EmptySince, keys.LastActivity, keys.NodeMembers(node.NodeId), keys.Pending, link],
            [code, memberId, request.ResumeTokenHash ?? "", _options.MaxMembersPerSession, SafetyTtlMs, Channel(code), request.RequestId, keys.NodeMembersPrefix,
             Flag(request.JoinKeyHash is not null), Flag(request.KeyRequired), request.UserAgent]).ConfigureAwait(false);
        return new JoinResult((StoreStatus)(int)result[0], (MemberRole)(int)result[1], (int)result[2], (int)result[3] == 1);
    }

    public async ValueTask<StoreStatus> ControlAsync(string code, string hostMemberId, HostControl control, string? targetMemberId, CancellationToken cancellationToken)
    {
        var result = await redis.EvaluateAsync(RedisScripts.Control,
            [keys.Session(code), keys.Members(code), keys.Pending, keys.LastActivity, keys.EmptySince],
            [code, hostMemberId, (int)control, targetMemberId ?? "", Channel(code), keys.NodeMembersPrefix]).ConfigureAwait(false);
        return (StoreStatus)(int)result;
    }

    public async ValueTask<StoreStatus> SignalAsync(string code, string fromMemberId, string toMemberId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var result = await redis.EvaluateAsync(RedisScripts.Signal,
            [keys.Session(code), keys.Members(code), keys.LastActivity],
            [code, fromMemberId, toMemberId, data, Channel(code)]).ConfigureAwait(false);
        return (StoreStatus)(int)result;
    }

    public async ValueTask<StoreStatus> CreateJoinLinkAsync(string code, string hostMemberId, string keyHash, TimeSpan ttl, int uses, CancellationToken cancellationToken)
    {
        var result = await redis.EvaluateAsync(RedisScripts.CreateJoinLink,
            [keys.Session(code), keys.Members(code), keys.JoinLink(keyHash)],
            [hostMemberId, code, uses, Ms(ttl)]).ConfigureAwait(false);
        return (StoreStatus)(int)result;
    }

    public async ValueTask<string?> FindJoinLinkAsync(string keyHash, CancellationToken cancellationToken)
    {
        var result = await redis.EvaluateAsync(RedisScripts.FindJoinLink, [keys.JoinLink(keyHash)], []).ConfigureAwait(false);
        return (string?)result is { Length: > 0 } code ? code : null;
    }

    /// <summary>
    /// A leave that fails because Redis is unreachable is kept and retried by the next sweeps, so a client
    /// that disconnects during an outage does not stay a ghost member of its session.
    /// </summary>
    public async ValueTask<LeaveResult> LeaveAsync(string code, string memberId, LeaveReason reason, CancellationToken cancellationToken)
    {
        try
        {
            return await LeaveNowAsync(code, memberId, reason).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            _pendingLeaves[(code, memberId)] = reason;
            throw;
        }
    }

    private async Task<LeaveResult> LeaveNowAsync(string code, string memberId, LeaveReason reason)
    {
        var result = await redis.EvaluateAsync(RedisScripts.Leave,
            [keys.Members(code), keys.EmptySince, keys.NodeMembers(node.NodeId), keys.Session(code), keys.Pending],
            [code, memberId, (int)reason, Channel(code), keys.NodeMembersPrefix]).ConfigureAwait(false);
        return new LeaveResult((int)result[0] == 1, (MemberRole)(int)result[1], (int)result[2]);
    }

    private async Task RetryPendingLeavesAsync()
    {
        foreach (var ((code, memberId), reason) in _pendingLeaves)
        {
            await LeaveNowAsync(code, memberId, reason).ConfigureAwait(false);
            _pendingLeaves.TryRemove((code, memberId), out _);
        }
    }

    public async ValueTask<UpdateResult> UpdateAsync(string code, string memberId, StateKind kind, ReadOnlyMemory<byte> payload, bool denyAllViewers, CancellationToken cancellationToken)
    {
        var result = await redis.EvaluateAsync(RedisScripts.Update,
            [keys.Session(code), keys.Members(code), keys.LastActivity],
            [code, memberId, (int)kind, payload, SafetyTtlMs, Channel(code), Flag(StoredState.Clears(payload.Span)), Flag(denyAllViewers)]).ConfigureAwait(false);
        return new UpdateResult((StoreStatus)(int)result[0], (int)result[1], (long)result[2]);
    }

    public async ValueTask<ReadResult> ReadAsync(string code, string memberId, StateKind kind, CancellationToken cancellationToken)
    {
        var result = await redis.EvaluateAsync(RedisScripts.Read,
            [keys.Session(code), keys.Members(code), keys.LastActivity],
            [code, memberId, (int)kind, SafetyTtlMs]).ConfigureAwait(false);
        var status = (StoreStatus)(int)result[0];
        var seqText = (byte[]?)result[1];
        if (status != StoreStatus.Ok || seqText is null || !Utf8Parser.TryParse(seqText, out long seq, out _) || seq <= 0)
        {
            return new ReadResult(status, StoredState.None);
        }
        return new ReadResult(StoreStatus.Ok, new StoredState(seq, (byte[]?)result[2] ?? []));
    }

    public async ValueTask<StoreStatus> EndAsync(string code, string memberId, ReadOnlyMemory<byte> requestId, CancellationToken cancellationToken)
    {
        var result = await redis.EvaluateAsync(RedisScripts.End,
            [keys.Session(code), keys.Members(code), keys.Retired(code), keys.Sessions, keys.EmptySince, keys.LastActivity, keys.Pending],
            [code, memberId, Channel(code), Ms(_options.CodeReuseBlock), requestId, keys.NodeMembersPrefix, keys.HostSessionsPrefix]).ConfigureAwait(false);
        return (StoreStatus)(int)result;
    }

    /// <summary>
    /// Removes the members of nodes whose lease lapsed, deletes empty sessions past their grace and ends idle
    /// ones. Times are Redis's own, so <paramref name="now"/> is not used: every node judges by one clock.
    /// </summary>
    public async ValueTask<SweepResult> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_pendingLeaves.IsEmpty)
        {
            await RetryPendingLeavesAsync().ConfigureAwait(false);
        }
        var result = await redis.EvaluateAsync(RedisScripts.Sweep,
            [keys.Nodes, keys.EmptySince, keys.LastActivity, keys.Sessions, keys.Pending],
            [keys.SessionPrefix, keys.MembersPrefix, keys.RetiredPrefix, keys.ChannelPrefix, keys.NodeMembersPrefix, keys.LeasePrefix,
             Ms(_options.EmptySessionGrace), Ms(_options.IdleSessionTimeout), Ms(_options.CodeReuseBlock), SweepBatch, keys.HostSessionsPrefix,
             Ms(_options.AdmissionTimeout)]).ConfigureAwait(false);
        foreach (var dead in (string[])result[0]!)
        {
            Log.NodeDead(logger, dead);
        }
        var deleted = (string[])result[1]!;
        var expired = (string[])result[2]!;
        return deleted.Length == 0 && expired.Length == 0 ? SweepResult.Empty : new SweepResult(deleted, expired);
    }

    public async ValueTask<StoreStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        var result = await redis.EvaluateAsync(RedisScripts.Stats, [keys.Sessions, keys.Nodes], [keys.NodeMembersPrefix]).ConfigureAwait(false);
        return new StoreStats((int)result[0], (int)result[1]);
    }

    public async ValueTask<IReadOnlyList<SessionInfo>> ListSessionsAsync(int max, CancellationToken cancellationToken)
    {
        var result = await redis.EvaluateAsync(RedisScripts.List, [keys.Sessions], [max, keys.SessionPrefix, keys.MembersPrefix]).ConfigureAwait(false);
        var list = new List<SessionInfo>(result.Length);
        for (var i = 0; i < result.Length; i++)
        {
            var row = result[i];
            list.Add(new SessionInfo((string)row[0]!, (int)row[1], (int)row[2],
                DateTimeOffset.FromUnixTimeMilliseconds((long)row[3]), DateTimeOffset.FromUnixTimeMilliseconds((long)row[4]), (long)row[5],
                (string?)row[6] is { Length: > 0 } subject ? subject : null,
                (int)row[7], IsSet(row[8]), IsSet(row[9]), IsSet(row[10]), IsSet(row[11])));
        }
        return list;
    }

    public async ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken) => await redis.PingAsync().ConfigureAwait(false);

    private string Channel(string code) => keys.ChannelPrefix + code;

    private static string Flag(bool value) => value ? "1" : "0";

    private static bool IsSet(RedisResult flag) => (string?)flag == "1";

    private static long Ms(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);

    private static partial class Log
    {
        [LoggerMessage(EventIds.RedisNodeDead, LogLevel.Warning, "Relay node {NodeId} lost its lease; its members were removed as disconnected")]
        public static partial void NodeDead(ILogger logger, string nodeId);
    }
}
