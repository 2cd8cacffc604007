namespace SfaMirror.Server.Sessions;

/// <summary>
/// What a connection's receive loop hands its messages to. The transport moves bytes; this handler (one
/// per connection) decides what they mean.
/// </summary>
internal interface IConnectionHandler
{
    /// <summary>One complete text message; the memory is valid only until the returned task completes.</summary>
    ValueTask OnTextAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>One complete binary message (the protocol has none).</summary>
    ValueTask OnBinaryAsync(CancellationToken cancellationToken);

    /// <summary>The connection is gone, by either side; called exactly once.</summary>
    ValueTask OnClosedAsync();
}
