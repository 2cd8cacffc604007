using System.Collections.Concurrent;

namespace SfaMirror.Server.Sessions;

/// <summary>
/// Resume tokens of sessions being created on this node, by member id. No store holds a token, only its
/// hash, so the plain token never leaves the node (nor reaches Redis): the delivery takes it from here when
/// the <c>Created</c> event reaches the creator's node and puts it in <c>SESSION_CREATED</c>.
/// </summary>
internal sealed class PendingResumeTokens
{
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);

    public void Add(string memberId, string token) => _tokens[memberId] = token;

    public string? Take(string memberId) => _tokens.TryRemove(memberId, out var token) ? token : null;

    public void Forget(string memberId) => _tokens.TryRemove(memberId, out _);
}
