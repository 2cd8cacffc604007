using System.Buffers;
using System.Text.Json;

namespace SfaMirror.Client.Protocol;

/// <summary>Small payload objects written by hand (<c>{memberId}</c>, <c>{to, data}</c>, the end-to-end signals).</summary>
internal static class JsonPayload
{
    public static JsonElement Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
