using System.Text.Json;

namespace SfaMirror.Server.Protocol;

/// <summary>
/// The one shape a <c>VIEW_*</c> payload may have in an encrypted session (docs/protocol.md, "Encrypted sessions"):
/// <c>null</c>, or exactly <c>{"e2e":1,"g":&lt;integer ≥ 0&gt;,"iv":"…","ct":"…"}</c> with base64url strings. The relay
/// never opens it; it only refuses anything that could carry plain data beside the ciphertext.
/// </summary>
internal static class SealedPayload
{
    public static bool IsValid(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload.SequenceEqual("null"u8))
        {
            return true;
        }
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 100_000 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        bool e2e = false, generation = false, iv = false, ct = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("e2e"u8) && !e2e)
            {
                reader.Read();
                e2e = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var version) && version == 1;
                if (!e2e) return false;
            }
            else if (reader.ValueTextEquals("g"u8) && !generation)
            {
                reader.Read();
                generation = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var g) && g >= 0;
                if (!generation) return false;
            }
            else if (reader.ValueTextEquals("iv"u8) && !iv)
            {
                reader.Read();
                iv = IsBase64Url(ref reader);
                if (!iv) return false;
            }
            else if (reader.ValueTextEquals("ct"u8) && !ct)
            {
                reader.Read();
                ct = IsBase64Url(ref reader);
                if (!ct) return false;
            }
            else
            {
                // Another field, or one of ours twice: plain data could ride along.
                return false;
            }
        }
        return e2e && generation && iv && ct;
    }

    private static bool IsBase64Url(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
        {
            return false;
        }
        var text = reader.ValueSpan;
        if (text.IsEmpty)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!(c is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_'))
            {
                return false;
            }
        }
        return true;
    }
}
