namespace SfaMirror.Server.Backplane;

/// <summary>
/// The failed-join budgets of client addresses (docs/protocol.md, <c>RATE_LIMITED</c>), shared by every
/// connection of an address and, with Redis, by every node, so that reconnecting or spreading over nodes
/// buys a guesser nothing. A join first reserves a failure; a join that succeeds gives it back. Reserving
/// before trying is what keeps many concurrent connections of one address within the budget.
/// </summary>
internal interface IJoinGuard
{
    /// <summary>Reserves one failed join for <paramref name="address"/>, or refuses when either budget is spent.</summary>
    /// <exception cref="StoreUnavailableException">The shared store cannot be reached.</exception>
    ValueTask<JoinTicket> ReserveAsync(string address, CancellationToken cancellationToken);

    /// <summary>The join succeeded: its reservation no longer counts.</summary>
    /// <exception cref="StoreUnavailableException">The shared store cannot be reached.</exception>
    ValueTask ReleaseAsync(JoinTicket ticket, CancellationToken cancellationToken);
}
