using StackExchange.Redis;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// Every Redis key and channel name the relay uses, in one place (docs/redis.md lists them with their
/// expiries). The Lua scripts that walk many sessions build names from the same prefixes, passed in.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>Hash: resume-token hash, created, last activity, seq, and each state's payload and seq.</summary>
    public string SessionPrefix { get; } = prefix + "s:";

    /// <summary>Hash: member id to role (<c>h</c> or <c>v</c>).</summary>
    public string MembersPrefix { get; } = prefix + "m:";

    /// <summary>String with a PX expiry: the code was retired and may not be handed out yet.</summary>
    public string RetiredPrefix { get; } = prefix + "retired:";

    /// <summary>Pub/sub channel of one session's events.</summary>
    public string ChannelPrefix { get; } = prefix + "ch:";

    /// <summary>String with a PX expiry: the node is alive while it exists.</summary>
    public string LeasePrefix { get; } = prefix + "lease:";

    /// <summary>Set of <c>"{code} {memberId}"</c> pairs: the node's members, removed if the node dies.</summary>
    public string NodeMembersPrefix { get; } = prefix + "nm:";

    /// <summary>Set of the live session codes one host token subject hosts (checked against MaxSessionsPerHost).</summary>
    public string HostSessionsPrefix { get; } = prefix + "hs:";

    /// <summary>Sorted set: every live session, scored by creation time (its size is checked against MaxSessions).</summary>
    public RedisKey Sessions { get; } = prefix + "sessions";

    /// <summary>Sorted set: empty sessions, scored by when they went empty (grace period).</summary>
    public RedisKey EmptySince { get; } = prefix + "empty";

    /// <summary>Sorted set: every session, scored by its last activity (idle expiry).</summary>
    public RedisKey LastActivity { get; } = prefix + "activity";

    /// <summary>Sorted set of <c>"{code} {memberId}"</c>: viewers waiting for admission, scored by when they asked (timeout).</summary>
    public RedisKey Pending { get; } = prefix + "pending";

    /// <summary>Hash with a PX expiry per join key hash: its session code (<c>c</c>) and uses left (<c>u</c>).</summary>
    public string JoinLinkPrefix { get; } = prefix + "link:";

    public RedisKey JoinLink(string keyHash) => JoinLinkPrefix + keyHash;

    /// <summary>Set: ids of the nodes that hold (or held) a lease.</summary>
    public RedisKey Nodes { get; } = prefix + "nodes";

    /// <summary>Sorted set per client address: its reserved failed joins of the last hour (<see cref="RedisJoinGuard"/>).</summary>
    public string FailedJoinsPrefix { get; } = prefix + "fj:";

    public RedisKey FailedJoins(string address) => FailedJoinsPrefix + address;

    public RedisKey Session(string code) => SessionPrefix + code;

    public RedisKey Members(string code) => MembersPrefix + code;

    public RedisKey Retired(string code) => RetiredPrefix + code;

    public RedisKey Lease(string nodeId) => LeasePrefix + nodeId;

    public RedisKey NodeMembers(string nodeId) => NodeMembersPrefix + nodeId;

    public RedisChannel Channel(string code) => RedisChannel.Literal(ChannelPrefix + code);

    /// <summary>The session code of a channel name made by <see cref="Channel"/>.</summary>
    public string CodeOf(string channel) => channel[ChannelPrefix.Length..];
}
