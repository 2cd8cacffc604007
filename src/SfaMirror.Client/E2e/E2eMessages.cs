using System.Text.Json;

namespace SfaMirror.Client.E2e;

/// <summary>The JSON of the protocol's signals and sealed payloads (docs/security.md), written and read.</summary>
internal static class E2eMessages
{
    public const string Offer = "offer";
    public const string Answer = "answer";
    public const string Key = "key";

    public static JsonElement OfferData(string pub) => Write(w =>
    {
        w.WriteString("e2e", Offer);
        w.WriteNumber("v", 1);
        w.WriteString("pub", pub);
    });

    public static JsonElement AnswerData(string pub, string? proof) => Write(w =>
    {
        w.WriteString("e2e", Answer);
        w.WriteNumber("v", 1);
        w.WriteString("pub", pub);
        if (proof is not null)
        {
            w.WriteString("proof", proof);
        }
    });

    public static JsonElement KeyData(long generation, byte[] iv, byte[] cipherText) => Write(w =>
    {
        w.WriteString("e2e", Key);
        w.WriteNumber("g", generation);
        w.WriteString("iv", E2eCrypto.ToBase64Url(iv));
        w.WriteString("ct", E2eCrypto.ToBase64Url(cipherText));
    });

    /// <summary><c>{"e2e":1,"g":G,"iv":"…","ct":"…"}</c>, nothing else.</summary>
    public static JsonElement Sealed(long generation, byte[] iv, byte[] cipherText) => Write(w =>
    {
        w.WriteNumber("e2e", 1);
        w.WriteNumber("g", generation);
        w.WriteString("iv", E2eCrypto.ToBase64Url(iv));
        w.WriteString("ct", E2eCrypto.ToBase64Url(cipherText));
    });

    /// <summary>The <c>e2e</c> kind of a signal's data (<c>offer</c>, <c>answer</c>, <c>key</c>), or null when it is not ours.</summary>
    public static string? SignalKind(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("e2e", out var kind) && kind.ValueKind == JsonValueKind.String
            ? kind.GetString()
            : null;

    /// <summary>Reads a sealed payload or a key signal: generation, IV and ciphertext; false when it is not of that shape.</summary>
    public static bool TryReadSealed(JsonElement payload, out long generation, out byte[] iv, out byte[] cipherText)
    {
        generation = 0;
        iv = cipherText = [];
        if (payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("g", out var g) || g.ValueKind != JsonValueKind.Number || !g.TryGetInt64(out generation) || generation < 0
            || !TryBytes(payload, "iv", out iv) || !TryBytes(payload, "ct", out cipherText))
        {
            return false;
        }
        return true;
    }

    public static string? GetString(JsonElement data, string property) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static bool TryBytes(JsonElement payload, string property, out byte[] bytes)
    {
        bytes = [];
        if (GetString(payload, property) is not { } text)
        {
            return false;
        }
        try
        {
            bytes = E2eCrypto.FromBase64Url(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static JsonElement Write(Action<Utf8JsonWriter> body) => Protocol.JsonPayload.Write(body);
}
