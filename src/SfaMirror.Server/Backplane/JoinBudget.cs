namespace SfaMirror.Server.Backplane;

/// <summary>Which failed-join budget of an address refused a join (<see cref="StoreOptions.FailedJoinsPerAddressPerMinute"/>, <see cref="StoreOptions.FailedJoinsPerAddressPerHour"/>).</summary>
internal enum JoinBudget
{
    None = 0,
    Minute = 1,
    Hour = 2,
}
