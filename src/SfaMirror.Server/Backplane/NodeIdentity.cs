using System.Security.Cryptography;

namespace SfaMirror.Server.Backplane;

/// <summary>This process's identity among relay nodes; member ids are prefixed with it so they are unique cluster-wide.</summary>
internal sealed class NodeIdentity
{
    public string NodeId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public string MemberIdOf(long connectionId) => $"{NodeId}-{connectionId}";
}
