using System.Security.Cryptography;

namespace SfaMirror.Client.E2e;

/// <summary>An ephemeral ECDH P-256 key pair for one pairing; its public key travels as the 65-byte uncompressed point.</summary>
internal sealed class EphemeralKey : IDisposable
{
    private const int PointBytes = 65;
    private const int CoordinateBytes = 32;
    private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    public EphemeralKey()
    {
        var q = _key.ExportParameters(includePrivateParameters: false).Q;
        var point = new byte[PointBytes];
        point[0] = 0x04;
        q.X!.CopyTo(point, 1);
        q.Y!.CopyTo(point, 1 + CoordinateBytes);
        PublicKey = E2eCrypto.ToBase64Url(point);
    }

    /// <summary>The public point, base64url: <c>0x04 ‖ X ‖ Y</c>.</summary>
    public string PublicKey { get; }

    /// <summary>Z, the 32-byte x-coordinate of the shared point; a <see cref="FormatException"/> for a point that is not on P-256.</summary>
    public byte[] SharedSecret(string peerPublicKey)
    {
        var point = E2eCrypto.FromBase64Url(peerPublicKey);
        if (point.Length != PointBytes || point[0] != 0x04)
        {
            throw new FormatException("not an uncompressed P-256 point");
        }
        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..(1 + CoordinateBytes)], Y = point[(1 + CoordinateBytes)..] },
        };
        try
        {
            using var peer = ECDiffieHellman.Create(parameters);
            return _key.DeriveRawSecretAgreement(peer.PublicKey);
        }
        catch (CryptographicException ex)
        {
            throw new FormatException("not a P-256 point", ex);
        }
    }

    public void Dispose() => _key.Dispose();
}
