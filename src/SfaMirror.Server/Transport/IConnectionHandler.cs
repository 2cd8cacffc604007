namespace SfaMirror.Server.Transport;

/// <summary>
/// What a connection's receive loop hands its frames to. The transport knows nothing of sessions:
/// it moves frames, and this handler (one per connection) decides what they mean.
/// </summary>
public interface IConnectionHandler
{
    /// <summary>One complete text message; the memory is valid only until the returned task completes.</summary>
    ValueTask OnTextAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>One complete binary message (the protocol has none).</summary>
    ValueTask OnBinaryAsync(CancellationToken cancellationToken);

    /// <summary>The connection is gone, by either side; called exactly once.</summary>
    ValueTask OnClosedAsync();
}

/// <summary>Creates the handler of a new connection.</summary>
public interface IConnectionHandlerFactory
{
    IConnectionHandler Create(RelayConnection connection);
}
