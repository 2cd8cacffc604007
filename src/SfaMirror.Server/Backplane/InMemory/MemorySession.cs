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

    public int IndexOf(string memberId) => Members.FindIndex(m => m.MemberId == memberId);

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
