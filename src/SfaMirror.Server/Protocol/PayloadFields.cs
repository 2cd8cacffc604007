using System.Text.Json;

namespace SfaMirror.Server.Protocol;

/// <summary>
/// Reads the few fields the relay itself looks at inside a payload (<c>resumeToken</c>, <c>token</c>, <c>joinKey</c>,
/// <c>viewers</c>, <c>admission</c>, <c>encryption</c>, <c>memberId</c>, <c>to</c>, <c>data</c>, <c>ttlSeconds</c>,
/// <c>uses</c>); everything else in a payload is only relayed. Each read is one forward pass over the payload.
/// </summary>
internal static class PayloadFields
{
    /// <summary>False when <c>resumeToken</c> is present but not a string (or null).</summary>
    public static bool TryReadResumeToken(ReadOnlyMemory<byte> payload, out string? resumeToken) =>
        TryReadString(payload, "resumeToken"u8, out resumeToken);

    /// <summary>
    /// The string at <paramref name="name"/> in an object payload, or null when the payload is not an object or
    /// the field is absent or null. False when the field is present with another JSON type.
    /// </summary>
    public static bool TryReadString(ReadOnlyMemory<byte> payload, ReadOnlySpan<byte> name, out string? value)
    {
        value = null;
        var found = Find(payload, name, out var reader, out var _);
        if (!found || reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }
        value = reader.GetString();
        return true;
    }

    /// <summary>
    /// The whole number at <paramref name="name"/>, or null when absent or null. False when present with another
    /// JSON type or outside <see cref="int"/>.
    /// </summary>
    public static bool TryReadInt(ReadOnlyMemory<byte> payload, ReadOnlySpan<byte> name, out int? value)
    {
        value = null;
        var found = Find(payload, name, out var reader, out var _);
        if (!found || reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var number))
        {
            return false;
        }
        value = number;
        return true;
    }

    /// <summary>The raw JSON of the value at <paramref name="name"/> (a slice of the payload), empty when absent.</summary>
    public static ReadOnlyMemory<byte> ReadRaw(ReadOnlyMemory<byte> payload, ReadOnlySpan<byte> name)
    {
        if (!Find(payload, name, out var reader, out var start))
        {
            return default;
        }
        reader.Skip();
        return payload.Slice(start, (int)reader.BytesConsumed - start);
    }

    /// <summary>Positions a reader on the value of the top-level field <paramref name="name"/>; false when absent or the payload is no object.</summary>
    private static bool Find(ReadOnlyMemory<byte> payload, ReadOnlySpan<byte> name, out Utf8JsonReader reader, out int valueStart)
    {
        valueStart = 0;
        // The parser has already checked the frame: well-formed and within the depth limit.
        reader = new Utf8JsonReader(payload.Span, new JsonReaderOptions { MaxDepth = 100_000 });
        if (payload.IsEmpty || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isField = reader.ValueTextEquals(name);
            reader.Read();
            if (isField)
            {
                valueStart = (int)reader.TokenStartIndex;
                return true;
            }
            reader.Skip();
        }
        return false;
    }
}
