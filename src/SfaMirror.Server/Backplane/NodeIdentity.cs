using System.Security.Cryptography;

namespace SfaMirror.Server.Backplane;

/// <summary>
/// This process's identity among relay nodes. Member ids are <c>{nodeId}-{random}</c>: the node prefix keeps
/// them unique cluster-wide and lets the Redis sweep find a dead node's members; the random part (96 bits)
/// replaces the connection counter, because ids are shown to other members (docs/protocol.md, <c>memberId</c>)
/// and must say nothing about how many connections a node has had or which came when.
/// </summary>
internal sealed class NodeIdentity
{
    public string NodeId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public string NewMemberId() => $"{NodeId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
}
