using System.Net;
using System.Net.Sockets;

namespace SfaMirror.Server.Transport;

/// <summary>
/// Who the client is: the peer that connected, unless that peer is a trusted proxy (<c>KnownProxies</c>,
/// <c>KnownNetworks</c>); then the forwarding headers are walked from the right, each trusted hop skipped, and
/// the first address that is not a trusted proxy is the client. <c>Forwarded</c> (RFC 7239) is read when present,
/// else <c>X-Forwarded-For</c>. An entry that is not an address (<c>unknown</c>, an obfuscated name) ends the walk
/// at the last hop known. From an untrusted peer the headers are never read, so they cannot be spoofed.
/// </summary>
internal sealed class TrustedProxies
{
    private readonly IPAddress[] _proxies;
    private readonly IPNetwork[] _networks;

    public TrustedProxies(string knownProxies, string knownNetworks)
    {
        _proxies = [.. Split(knownProxies).Select(p => Normalize(IPAddress.Parse(p)))];
        _networks = [.. Split(knownNetworks).Select(n => IPNetwork.Parse(n))];
    }

    /// <summary>Whether both lists parse (for options validation).</summary>
    public static bool AreValid(string? knownProxies, string? knownNetworks) =>
        Split(knownProxies).All(p => IPAddress.TryParse(p, out _)) && Split(knownNetworks).All(n => IPNetwork.TryParse(n, out _));

    public IPAddress Resolve(IPAddress peer, string? forwardedFor, string? forwarded)
    {
        var client = Normalize(peer);
        if (!IsTrusted(client))
        {
            return client;
        }
        var hops = forwarded is not null ? ForwardedFors(forwarded) : Split(forwardedFor);
        for (var i = hops.Length - 1; i >= 0 && IsTrusted(client); i--)
        {
            if (ParseNode(hops[i]) is not { } hop)
            {
                break;
            }
            client = Normalize(hop);
        }
        return client;
    }

    private bool IsTrusted(IPAddress address) =>
        Array.Exists(_proxies, address.Equals) || Array.Exists(_networks, n => n.Contains(address));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static string[] Split(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The <c>for=</c> of each element of a <c>Forwarded</c> header, in order ("" for an element without one).</summary>
    private static string[] ForwardedFors(string forwarded) =>
        [.. forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(element =>
            element.Split(';', StringSplitOptions.TrimEntries)
                .Select(pair => pair.Split('=', 2, StringSplitOptions.TrimEntries))
                .FirstOrDefault(kv => kv.Length == 2 && kv[0].Equals("for", StringComparison.OrdinalIgnoreCase))?[1] ?? "")];

    /// <summary>An RFC 7239 node (<c>192.0.2.1</c>, <c>"192.0.2.1:4711"</c>, <c>"[2001:db8::1]:4711"</c>) or an X-Forwarded-For entry.</summary>
    private static IPAddress? ParseNode(string node)
    {
        var value = node.Trim('"');
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']');
            value = close > 0 ? value[1..close] : value;
        }
        else if (value.Count(c => c == ':') == 1)
        {
            value = value[..value.IndexOf(':')];
        }
        return IPAddress.TryParse(value, out var address) && address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 ? address : null;
    }
}
