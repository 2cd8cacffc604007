using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Observability;

/// <summary>
/// The <c>/metrics</c> bearer check: the token only in an <c>Authorization: Bearer</c> header (never a query
/// string, which proxies log), compared as fixed-length hashes in constant time.
/// </summary>
internal sealed class MetricsToken(IOptions<MetricsOptions> options)
{
    private readonly byte[]? _hash = string.IsNullOrEmpty(options.Value.MetricsToken)
        ? null
        : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.MetricsToken));

    /// <summary>True when no token is configured, or the request presents it.</summary>
    public bool Admits(HttpRequest request)
    {
        if (_hash is null)
        {
            return true;
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
