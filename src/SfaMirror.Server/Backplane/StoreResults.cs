using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Backplane;

/// <summary><paramref name="Encrypted"/>: the session is end-to-end encrypted (its payloads must be sealed).</summary>
internal readonly record struct JoinResult(StoreStatus Status, MemberRole Role, int Members, bool Encrypted = false);

/// <summary>
/// A join as the store judges it. <paramref name="JoinKeyHash"/>: the hash of a join link's key, used up by one when the
/// join gets in (or waits); <paramref name="KeyRequired"/>: a viewer without a key is refused (<c>JoinWith</c> <c>Link</c>).
/// <paramref name="UserAgent"/> is shown to the host of a session with admission.
/// </summary>
internal readonly record struct JoinRequest(
    string Code, string MemberId, string? ResumeTokenHash, ReadOnlyMemory<byte> RequestId,
    string? JoinKeyHash = null, bool KeyRequired = false, string UserAgent = "");

/// <summary>What the host asks of one session: admit, deny or kick a member, lock or unlock.</summary>
internal enum HostControl : byte
{
    Admit = 1,
    Deny = 2,
    Kick = 3,
    Lock = 4,
    Unlock = 5,
}

internal readonly record struct UpdateResult(StoreStatus Status, int Delivered, long Seq);

/// <summary><paramref name="State"/> is not set when the session holds none of that kind.</summary>
internal readonly record struct ReadResult(StoreStatus Status, StoredState State);

internal readonly record struct LeaveResult(bool WasMember, MemberRole Role, int MembersLeft);

/// <summary>What one lifecycle sweep did, for the log.</summary>
internal sealed record SweepResult(IReadOnlyList<string> Deleted, IReadOnlyList<string> Expired)
{
    public static readonly SweepResult Empty = new([], []);
}

internal readonly record struct StoreStats(int Sessions, int Members);

/// <summary>A live session as the admin page shows it: never a payload. <paramref name="Waiting"/>: viewers the host has not answered yet.</summary>
internal sealed record SessionInfo(string Code, int Hosts, int Viewers, DateTimeOffset CreatedAt, DateTimeOffset LastActivity, long Seq, string? HostSubject,
    int Waiting, bool ViewersReadOnly, bool AdmitByHost, bool Locked, bool Encrypted);
