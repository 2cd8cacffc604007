using System.Security.Cryptography;
using System.Text;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Backplane.InMemory;

/// <summary>One session held in this process. Guarded by locking the instance; never locked across an await.</summary>
internal sealed class MemorySession(string code, string hostMemberId, string resumeTokenHash, SessionAccess access, DateTimeOffset now)
{
    public string Code { get; } = code;
    public SessionAccess Access { get; } = access;
    public DateTimeOffset CreatedAt { get; } = now;
    public DateTimeOffset LastActivity { get; set; } = now;
    /// <summary>When the last member left; null while the session has members.</summary>
    public DateTimeOffset? EmptySince { get; set; }
    public List<(string MemberId, MemberRole Role)> Members { get; } = [(hostMemberId, MemberRole.Host)];
    public StoredState Customer { get; set; }
    public StoredState Product { get; set; }
    public long Seq { get; set; }
    public bool Gone { get; set; }
    public bool Locked { get; set; }

    // Made on first use: most sessions never hold a waiting viewer or a kicked member, and every idle session
    // would otherwise carry an empty list and set (about 100 bytes).
    private List<PendingJoin>? _pending;
    private HashSet<string>? _kicked;

    /// <summary>Viewers waiting for the host to admit them, oldest first (read <see cref="PendingCount"/> to test for none).</summary>
    public List<PendingJoin> Pending => _pending ??= [];

    public int PendingCount => _pending?.Count ?? 0;

    /// <summary>Whether the host kicked or denied this member: then it may not join again.</summary>
    public bool WasKicked(string memberId) => _kicked?.Contains(memberId) == true;

    public void Kick(string memberId) => (_kicked ??= new(StringComparer.Ordinal)).Add(memberId);

    public int IndexOf(string memberId) => Members.FindIndex(m => m.MemberId == memberId);

    public int PendingIndexOf(string memberId) => _pending?.FindIndex(p => p.MemberId == memberId) ?? -1;

    /// <summary>The host's member id, or null while the session has none.</summary>
    public string? HostId => HostIndex() is var i and >= 0 ? Members[i].MemberId : null;

    public int HostIndex() => Members.FindIndex(m => m.Role == MemberRole.Host);

    public StoredState StateOf(StateKind kind) => kind == StateKind.Customer ? Customer : Product;

    public void SetState(StateKind kind, StoredState state)
    {
        if (kind == StateKind.Customer) Customer = state; else Product = state;
    }

    /// <summary>Whether a presented resume-token hash is this session's, compared in constant time.</summary>
    public bool ResumesWith(string? presentedHash) =>
        presentedHash is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(resumeTokenHash), Encoding.ASCII.GetBytes(presentedHash));
}

/// <summary>A viewer waiting for admission: what the host is shown, and the join's request id to echo once admitted.</summary>
internal sealed record PendingJoin(string MemberId, byte[] UserAgent, byte[] RequestId, DateTimeOffset Since);

/// <summary>A join key's session, how many joins it has left and until when it works.</summary>
internal sealed class MemoryJoinLink(string keyHash, string code, int uses, DateTimeOffset expiresAt)
{
    public string KeyHash { get; } = keyHash;
    public string Code { get; } = code;
    public int Uses { get; set; } = uses;
    public DateTimeOffset ExpiresAt { get; } = expiresAt;
}
