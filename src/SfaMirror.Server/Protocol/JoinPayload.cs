using System.Text.Json;

namespace SfaMirror.Server.Protocol;

/// <summary>Reads the one field the relay itself looks at inside a payload: <c>JOIN_SESSION.payload.resumeToken</c>.</summary>
internal static class JoinPayload
{
    /// <summary>False when <c>resumeToken</c> is present but not a string (or null).</summary>
    public static bool TryReadResumeToken(ReadOnlyMemory<byte> payload, out string? resumeToken)
    {
        resumeToken = null;
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
            var isToken = reader.ValueTextEquals("resumeToken"u8);
            reader.Read();
            if (isToken)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    resumeToken = reader.GetString();
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
