namespace SfaMirror.Server.Transport;

internal enum EnqueueResult : byte
{
    Queued,
    /// <summary>A waiting state update of the same kind and session was replaced by this newer one.</summary>
    Coalesced,
    /// <summary>The queue is over its byte limit; the connection is being closed with 1013.</summary>
    Overflow,
    /// <summary>The connection is closing or closed; the frame was dropped.</summary>
    Closed,
}
