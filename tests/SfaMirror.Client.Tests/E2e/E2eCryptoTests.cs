using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SfaMirror.Client.E2e;

namespace SfaMirror.Client.Tests.E2e;

/// <summary>The protocol's primitives with fixed inputs, each checked against another way of computing it.</summary>
public sealed class E2eCryptoTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public void Sealed_bytes_open_with_the_same_key_and_additional_data()
    {
        var plaintext = Encoding.UTF8.GetBytes("""{"name":"Ada"}""");
        var (iv, cipherText) = E2eCrypto.Seal(Key, plaintext, E2eCrypto.StateAad("k7q2zp", "customer", 0));

        Assert.Equal(12, iv.Length);
        Assert.Equal(plaintext.Length + 16, cipherText.Length);
        Assert.Equal(plaintext, E2eCrypto.Open(Key, iv, cipherText, "sfa-mirror-e2e-v1 state|K7Q2ZP|customer|0"));
    }

    [Fact]
    public void The_tag_is_appended_as_AesGcm_computes_it()
    {
        var plaintext = "hello"u8.ToArray();
        var (iv, cipherText) = E2eCrypto.Seal(Key, plaintext, "aad");
        var expected = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(Key, 16))
        {
            aes.Encrypt(iv, plaintext, expected, tag, "aad"u8);
        }
        Assert.Equal([.. expected, .. tag], cipherText);
    }

    [Theory]
    [InlineData("sfa-mirror-e2e-v1 state|K7Q2ZP|product|0")]
    [InlineData("sfa-mirror-e2e-v1 state|K7Q2ZQ|customer|0")]
    [InlineData("sfa-mirror-e2e-v1 state|K7Q2ZP|customer|1")]
    public void Other_additional_data_does_not_open(string otherAad)
    {
        var (iv, cipherText) = E2eCrypto.Seal(Key, "{}"u8, E2eCrypto.StateAad("K7Q2ZP", "customer", 0));

        Assert.Null(E2eCrypto.Open(Key, iv, cipherText, otherAad));
    }

    [Fact]
    public void A_changed_ciphertext_or_another_key_does_not_open()
    {
        var aad = E2eCrypto.KeyAad("K7Q2ZP", 3);
        var (iv, cipherText) = E2eCrypto.Seal(Key, "{}"u8, aad);
        var changed = (byte[])cipherText.Clone();
        changed[0] ^= 1;

        Assert.Null(E2eCrypto.Open(Key, iv, changed, aad));
        Assert.Null(E2eCrypto.Open(E2eCrypto.NewContentKey(), iv, cipherText, aad));
        Assert.Equal("sfa-mirror-e2e-v1 key|K7Q2ZP|3", aad);
    }

    [Fact]
    public void Transcript_joins_the_upper_case_code_and_both_keys()
    {
        Assert.Equal("sfa-mirror-e2e-v1|K7Q2ZP|hostPub|viewerPub", E2eCrypto.Transcript("k7q2zp", "hostPub", "viewerPub"));
    }

    [Fact]
    public void Pair_key_and_digits_are_HKDF_as_computed_by_hand_with_HMAC()
    {
        var z = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        const string transcript = "sfa-mirror-e2e-v1|K7Q2ZP|A|B";

        var (pairKey, digits) = E2eCrypto.DerivePair(z, transcript);

        // RFC 5869 by hand: extract with salt = SHA-256(transcript), then two expand blocks.
        var prk = HMACSHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(transcript)), z);
        var info = Encoding.UTF8.GetBytes("sfa-mirror-e2e-v1 pair");
        var t1 = HMACSHA256.HashData(prk, (byte[])[.. info, 1]);
        var t2 = HMACSHA256.HashData(prk, (byte[])[.. t1, .. info, 2]);
        Assert.Equal(t1, pairKey);
        var expected = (BinaryPrimitives.ReadUInt32BigEndian(t2.AsSpan(0, 4)) % 1_000_000).ToString("D6");
        Assert.Equal(expected, digits);
        var again = E2eCrypto.DerivePair(z, transcript);
        Assert.Equal(pairKey, again.PairKey);
        Assert.Equal(digits, again.Comparison);
        Assert.NotEqual(digits, E2eCrypto.DerivePair(z, transcript + "x").Comparison);
    }

    [Fact]
    public void Both_ends_of_an_ECDH_pair_compute_the_same_secret_from_65_byte_points()
    {
        using var host = new EphemeralKey();
        using var viewer = new EphemeralKey();

        var point = E2eCrypto.FromBase64Url(host.PublicKey);
        Assert.Equal(65, point.Length);
        Assert.Equal(0x04, point[0]);
        var a = host.SharedSecret(viewer.PublicKey);
        Assert.Equal(32, a.Length);
        Assert.Equal(a, viewer.SharedSecret(host.PublicKey));
    }

    [Fact]
    public void A_point_that_is_not_on_the_curve_is_refused()
    {
        using var key = new EphemeralKey();
        var bad = new byte[65];
        bad[0] = 4;
        bad[64] = 7;

        Assert.Throws<FormatException>(() => key.SharedSecret(E2eCrypto.ToBase64Url(bad)));
    }

    [Fact]
    public void Proof_is_HMAC_of_the_transcript_under_the_content_key()
    {
        const string transcript = "sfa-mirror-e2e-v1|K7Q2ZP|A|B";
        var proof = E2eCrypto.Proof(Key, transcript);

        using var hmac = new HMACSHA256(Key);
        Assert.Equal(hmac.ComputeHash(Encoding.UTF8.GetBytes(transcript)), proof);
        Assert.True(E2eCrypto.ProofMatches(Key, transcript, proof));
        Assert.False(E2eCrypto.ProofMatches(E2eCrypto.NewContentKey(), transcript, proof));
    }

    [Fact]
    public void Base64url_has_no_padding_and_padding_is_refused()
    {
        var text = E2eCrypto.ToBase64Url([0xfb, 0xff]);

        Assert.Equal("-_8", text);
        Assert.Equal([0xfb, 0xff], E2eCrypto.FromBase64Url(text));
        Assert.Throws<FormatException>(() => E2eCrypto.FromBase64Url("-_8="));
        Assert.Throws<FormatException>(() => E2eCrypto.FromBase64Url("+/8"));
    }

    [Fact]
    public void A_sealed_payload_has_exactly_the_four_fields()
    {
        var host = E2eSession.ForHost("K7Q2ZP");
        using var doc = JsonDocument.Parse("""{"name":"Ada"}""");

        var sealedPayload = host.Seal(Events.StateKind.Customer, doc.RootElement);

        Assert.Equal(["e2e", "g", "iv", "ct"], sealedPayload.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, sealedPayload.GetProperty("e2e").GetInt32());
        Assert.Equal(0, sealedPayload.GetProperty("g").GetInt64());
        Assert.DoesNotContain("Ada", sealedPayload.GetRawText(), StringComparison.Ordinal);
    }
}
