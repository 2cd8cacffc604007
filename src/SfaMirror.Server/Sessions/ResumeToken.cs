using System.Security.Cryptography;
using System.Buffers.Text;
using System.Text;

namespace SfaMirror.Server.Sessions;

/// <summary>
/// The host's resume token: 192 random bits, handed to the host once. Only its SHA-256 hash is stored,
/// so neither memory dumps nor Redis hold a usable token.
/// </summary>
internal static class ResumeToken
{
    public static string Create() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    public static string Hash(string token)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return Convert.ToHexString(hash);
    }
}
