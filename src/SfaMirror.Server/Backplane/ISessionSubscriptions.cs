namespace SfaMirror.Server.Backplane;

/// <summary>
/// Where a node listens for a session's events. A node listens to a session while it has a local
/// member in it: subscribe before a local connection creates or joins, unsubscribe after it left.
/// Calls are counted per session; the in-memory store needs none of this.
/// </summary>
internal interface ISessionSubscriptions
{
    ValueTask SubscribeAsync(string sessionCode, CancellationToken cancellationToken);

    ValueTask UnsubscribeAsync(string sessionCode);
}
