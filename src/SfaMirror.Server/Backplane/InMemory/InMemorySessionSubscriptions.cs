namespace SfaMirror.Server.Backplane.InMemory;

/// <summary>In one process the store calls the sink directly for every session: there is nothing to subscribe to.</summary>
internal sealed class InMemorySessionSubscriptions : ISessionSubscriptions
{
    public ValueTask SubscribeAsync(string sessionCode, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask UnsubscribeAsync(string sessionCode) => ValueTask.CompletedTask;
}
