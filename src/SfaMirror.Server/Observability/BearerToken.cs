using System.Security.Cryptography;
using System.Text;

namespace SfaMirror.Server.Observability;

/// <summary>
/// A configured secret presented as <c>Authorization: Bearer</c> (never in a query string, which proxies and
/// access logs keep). Fixed-length hashes compared in constant time tell an attacker nothing about the
/// token's length or prefix. Serves the admin area and <c>/metrics</c> alike.
/// </summary>
internal sealed class BearerToken(string? token)
{
    private readonly byte[]? _hash = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public bool IsConfigured => _hash is not null;

    /// <summary>False when no token is configured or the request does not present it.</summary>
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
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _hash);
    }
}
