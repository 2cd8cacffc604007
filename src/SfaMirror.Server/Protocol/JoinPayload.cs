using System.Text.Json;

namespace SfaMirror.Server.Protocol;

/// <summary>
/// Reads the few fields the relay itself looks at inside a payload (<c>JOIN_SESSION.payload.resumeToken</c>,
/// <c>payload.token</c>, <c>CREATE_SESSION.payload.viewers</c>); everything else in a payload is only relayed.
/// </summary>
internal static class JoinPayload
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
        if (payload.IsEmpty)
        {
            return true;
        }
        var reader = new Utf8JsonReader(payload.Span, new JsonReaderOptions { MaxDepth = 100_000 });
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return true;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isField = reader.ValueTextEquals(name);
            reader.Read();
            if (isField)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    value = reader.GetString();
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    return false;
                }
            }
            else
            {
                reader.Skip();
            }
        }
        return true;
    }
}
