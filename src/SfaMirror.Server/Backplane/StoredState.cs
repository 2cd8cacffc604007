namespace SfaMirror.Server.Backplane;

/// <summary>
/// One piece of a session's state as a store keeps it: the payload's raw JSON bytes, exactly as they
/// arrived, and the seq of the update that set it. <see cref="IsSet"/> is false when never set or cleared.
/// </summary>
internal readonly record struct StoredState(long Seq, ReadOnlyMemory<byte> Payload)
{
    public bool IsSet => Seq > 0;

    public static readonly StoredState None = default;

    /// <summary>
    /// Whether an update with this payload clears the state (docs/protocol.md, "What clients send", <c>VIEW_*</c>): a null
    /// payload is relayed, but a late joiner or a <c>REQUEST_*</c> then finds no state, as with the original
    /// server. <c>0</c>, <c>false</c> and <c>""</c> are real state. Both stores ask here.
    /// </summary>
    public static bool Clears(ReadOnlySpan<byte> payload) => payload.IsEmpty || payload.SequenceEqual("null"u8);
}
