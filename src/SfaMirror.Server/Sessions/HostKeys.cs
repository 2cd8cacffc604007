using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace SfaMirror.Server.Sessions;

/// <summary>The keys host tokens are checked with, built from <see cref="HostAuthOptions"/>.</summary>
internal static class HostKeys
{
    public static List<SecurityKey> Load(HostAuthOptions options)
    {
        var keys = new List<SecurityKey>();
        if (!string.IsNullOrEmpty(options.Secret))
        {
            keys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.Secret)));
        }
        foreach (var entry in options.PublicKeys ?? [])
        {
            if (string.IsNullOrWhiteSpace(entry))
            {
                continue;
            }
            var pem = entry.Contains("-----BEGIN", StringComparison.Ordinal) ? entry : File.ReadAllText(entry);
            keys.Add(FromPem(pem));
        }
        return keys;
    }

    /// <summary>An RSA (RS256) or EC (ES256) public key; the PEM says which.</summary>
    private static SecurityKey FromPem(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (ArgumentException)
        {
            rsa.Dispose();
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
        }
        var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        return new ECDsaSecurityKey(ec);
    }
}
