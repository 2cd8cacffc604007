using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Backplane;

internal readonly record struct JoinResult(StoreStatus Status, MemberRole Role, int Members);

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

/// <summary>A live session as the admin page shows it: never a payload.</summary>
internal sealed record SessionInfo(string Code, int Hosts, int Viewers, DateTimeOffset CreatedAt, DateTimeOffset LastActivity, long Seq, string? HostSubject);
