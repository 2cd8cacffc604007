using System.Net;
using System.Net.Sockets;

namespace SfaMirror.Server.Backplane;

/// <summary>
/// The name by which the relay's per-address limits know a client: an IPv4 address itself (/32), an IPv6
/// address by its /64 (one subscriber's network: a host picks any address in it at will), an IPv4-mapped
/// IPv6 address as the IPv4 one.
/// </summary>
internal static class AddressKey
{
    public static string Of(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
