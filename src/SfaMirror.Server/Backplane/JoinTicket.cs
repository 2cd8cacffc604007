namespace SfaMirror.Server.Backplane;

/// <summary>
/// The answer of <see cref="IJoinGuard.ReserveAsync"/>: whether the join may be tried, which budget refused it
/// otherwise, and the address's failed joins in the last minute and hour (the reservation included).
/// </summary>
internal readonly record struct JoinTicket(bool Granted, JoinBudget RefusedBy, string Address, string Id, int LastMinute, int LastHour);
