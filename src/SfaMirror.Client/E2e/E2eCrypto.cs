using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SfaMirror.Client.E2e;

/// <summary>
/// The primitives of the end-to-end protocol v1 (docs/security.md), all from System.Security.Cryptography: the
/// transcript, the pair key and comparison string from HKDF, AES-256-GCM with the tag appended, the link proof.
/// </summary>
internal static class E2eCrypto
{
    public const string Version = "sfa-mirror-e2e-v1";
    public const int KeyBytes = 32;
    public const int IvBytes = 12;
    public const int TagBytes = 16;

    public static string ToBase64Url(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>Decodes base64url without padding; a <see cref="FormatException"/> for anything else.</summary>
    public static byte[] FromBase64Url(string text)
    {
        if (text.Contains('=', StringComparison.Ordinal) || !Base64Url.IsValid(text))
        {
            throw new FormatException("not base64url without padding");
        }
        return Base64Url.DecodeFromChars(text);
    }

    /// <summary><c>"sfa-mirror-e2e-v1|" + code + "|" + hostPub + "|" + viewerPub</c>, the code in upper case.</summary>
    public static string Transcript(string code, string hostPub, string viewerPub) =>
        $"{Version}|{code.ToUpperInvariant()}|{hostPub}|{viewerPub}";

    /// <summary>HKDF-SHA-256 over the shared secret: the pair key (32 bytes) and the 6-digit comparison string.</summary>
    public static (byte[] PairKey, string Comparison) DerivePair(ReadOnlySpan<byte> sharedSecret, string transcript)
    {
        var salt = SHA256.HashData(Encoding.UTF8.GetBytes(transcript));
        var okm = HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret.ToArray(), 36, salt, Encoding.UTF8.GetBytes($"{Version} pair"));
        var number = BinaryPrimitives.ReadUInt32BigEndian(okm.AsSpan(32, 4)) % 1_000_000;
        return (okm[..32], number.ToString("D6", CultureInfo.InvariantCulture));
    }

    /// <summary>AES-256-GCM with a fresh 12-byte IV; the ciphertext has its 16-byte tag appended.</summary>
    public static (byte[] Iv, byte[] CipherText) Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, string additionalData)
    {
        var iv = RandomNumberGenerator.GetBytes(IvBytes);
        var output = new byte[plaintext.Length + TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(iv, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), Encoding.UTF8.GetBytes(additionalData));
        return (iv, output);
    }

    /// <summary>Opens what <see cref="Seal"/> made; null when the key, IV, additional data or ciphertext do not match.</summary>
    public static byte[]? Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> cipherText, string additionalData)
    {
        if (key.Length != KeyBytes || iv.Length != IvBytes || cipherText.Length < TagBytes)
        {
            return null;
        }
        var plaintext = new byte[cipherText.Length - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        try
        {
            aes.Decrypt(iv, cipherText[..plaintext.Length], cipherText[plaintext.Length..], plaintext, Encoding.UTF8.GetBytes(additionalData));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>The additional data of a sealed <c>VIEW_*</c> payload; <paramref name="kind"/> is <c>customer</c> or <c>product</c>.</summary>
    public static string StateAad(string code, string kind, long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{Version} state|{code.ToUpperInvariant()}|{kind}|{generation}");

    /// <summary>The additional data of a <c>key</c> signal.</summary>
    public static string KeyAad(string code, long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{Version} key|{code.ToUpperInvariant()}|{generation}");

    /// <summary>The link proof: HMAC-SHA-256 keyed with the content key of the link's generation, over the transcript.</summary>
    public static byte[] Proof(ReadOnlySpan<byte> contentKey, string transcript) =>
        HMACSHA256.HashData(contentKey, Encoding.UTF8.GetBytes(transcript));

    public static bool ProofMatches(ReadOnlySpan<byte> contentKey, string transcript, ReadOnlySpan<byte> proof) =>
        CryptographicOperations.FixedTimeEquals(Proof(contentKey, transcript), proof);

    public static byte[] NewContentKey() => RandomNumberGenerator.GetBytes(KeyBytes);
}
