using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Backplane.InMemory;

/// <summary>One session held in this process. Guarded by locking the instance; never locked across an await.</summary>
internal sealed class MemorySession(string code, string hostMemberId, string resumeTokenHash, DateTimeOffset now)
{
    public string Code { get; } = code;
    public string ResumeTokenHash { get; } = resumeTokenHash;
    public DateTimeOffset CreatedAt { get; } = now;
    public DateTimeOffset LastActivity { get; set; } = now;
    /// <summary>When the last member left; null while the session has members.</summary>
    public DateTimeOffset? EmptySince { get; set; }
    public List<(string MemberId, MemberRole Role)> Members { get; } = [(hostMemberId, MemberRole.Host)];
    /// <summary>The stored customer and product, each kept as the exact frame that relayed it.</summary>
    public byte[]? CustomerFrame { get; set; }
    public byte[]? ProductFrame { get; set; }
    public long Seq { get; set; }
    public long CustomerSeq { get; set; }
    public long ProductSeq { get; set; }
    public bool Gone { get; set; }

    public int IndexOf(string memberId) => Members.FindIndex(m => m.MemberId == memberId);

    public int HostIndex() => Members.FindIndex(m => m.Role == MemberRole.Host);

    public byte[]? StateFrame(StateKind kind) => kind == StateKind.Customer ? CustomerFrame : ProductFrame;
}
