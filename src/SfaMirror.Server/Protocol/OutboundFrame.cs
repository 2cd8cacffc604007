namespace SfaMirror.Server.Protocol;

/// <summary>
/// An encoded message on its way to connections: the bytes, shared by every recipient and never modified,
/// and an opaque key. While a connection is behind, a waiting frame is replaced in place by a newer one
/// whose key is equal, so a slow member skips intermediate states but ends on the latest. Frames without
/// a key are never replaced.
/// </summary>
internal readonly record struct OutboundFrame(byte[] Bytes, object? CoalesceKey = null)
{
    public static implicit operator OutboundFrame(byte[] bytes) => new(bytes);
}
