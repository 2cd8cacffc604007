using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SfaMirror.Server.Tests.Access;

/// <summary>Host tokens made in the test with the same library the relay checks them with.</summary>
internal static class HostTokens
{
    public const string Secret = "a-test-secret-that-is-long-enough-for-hs256";
    public const string Issuer = "https://sfa.example";
    public const string Audience = "sfa-mirror-relay";

    public static SecurityKey SecretKey => new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret));

    /// <summary>Relay settings for host tokens checked with <see cref="Secret"/>, <see cref="Issuer"/> and <see cref="Audience"/>.</summary>
    public static (string, string)[] Settings(string mode, params (string, string)[] more) =>
    [
        ("Relay:HostAuth:Mode", mode), ("Relay:HostAuth:Secret", Secret), ("Relay:HostAuth:Issuer", Issuer), ("Relay:HostAuth:Audience", Audience), .. more,
    ];

    public static string Create(SecurityKey key, string algorithm, string subject = "rep-42", string issuer = Issuer, string audience = Audience,
        DateTime? notBefore = null, DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Issuer = issuer,
            Audience = audience,
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(10),
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    public static string Hs256(string subject = "rep-42") => Create(SecretKey, SecurityAlgorithms.HmacSha256, subject);

    /// <summary>A fresh EC P-256 key pair: the private key to sign with, the public key as PEM for the relay.</summary>
    public static (SecurityKey Signing, string PublicPem) NewEcKey()
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (new ECDsaSecurityKey(ec), ec.ExportSubjectPublicKeyInfoPem());
    }

    public static (SecurityKey Signing, string PublicPem) NewRsaKey()
    {
        var rsa = RSA.Create(2048);
        return (new RsaSecurityKey(rsa), rsa.ExportSubjectPublicKeyInfoPem());
    }
}
