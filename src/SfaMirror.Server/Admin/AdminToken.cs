using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Admin;

/// <summary>
/// The admin token check. The token travels only in an <c>Authorization: Bearer</c> header, never in a
/// query string (which proxies and access logs keep). With no token configured the admin area does not exist.
/// </summary>
internal sealed class AdminToken(IOptions<AdminOptions> options)
{
    private readonly byte[]? _hash = string.IsNullOrEmpty(options.Value.AdminToken)
        ? null
        : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminToken));

    public bool IsConfigured => _hash is not null;

    public bool IsPresentedBy(HttpRequest request)
    {
        if (_hash is null)
        {
            return false;
        }
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        // Comparing fixed-length hashes in constant time tells an attacker nothing about the token's length or prefix.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _hash);
    }
}
