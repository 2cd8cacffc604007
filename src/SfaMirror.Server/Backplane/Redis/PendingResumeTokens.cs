using System.Collections.Concurrent;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// Resume tokens of sessions being created on this node, by member id. Redis only ever holds a token's
/// hash, so the plain token never leaves the node: the creator's node takes it from here when the
/// <c>Created</c> event comes back on the session channel and puts it in <c>SESSION_CREATED</c>.
/// </summary>
internal sealed class PendingResumeTokens
{
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);

    public void Add(string memberId, string token) => _tokens[memberId] = token;

    public string? Take(string memberId) => _tokens.TryRemove(memberId, out var token) ? token : null;

    public void Forget(string memberId) => _tokens.TryRemove(memberId, out _);
}
