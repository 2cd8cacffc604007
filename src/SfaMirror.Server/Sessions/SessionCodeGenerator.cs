using System.Security.Cryptography;

namespace SfaMirror.Server.Sessions;

/// <summary>Draws session codes from a cryptographic random source, so that codes cannot be predicted.</summary>
internal sealed class SessionCodeGenerator
{
    public string Next() => new(RandomNumberGenerator.GetItems<char>(SessionCode.Alphabet, SessionCode.Length));
}
