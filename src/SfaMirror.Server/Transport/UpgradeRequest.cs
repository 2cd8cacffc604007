using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace SfaMirror.Server.Transport;

/// <summary>
/// The headers of a WebSocket upgrade request that RFC 6455 4.2.1 names, gathered one by one and judged in one
/// place, so that the fast path (raw bytes) and the HTTP pipeline (parsed headers) accept and refuse alike.
/// Names and the tokens of Upgrade and Connection are compared case-insensitively.
/// </summary>
internal struct UpgradeRequest
{
    private int _hosts;
    private int _versions;
    private int _keys;
    private bool _upgrade;
    private bool _connection;
    private bool _version13;
    private bool _keyValid;

    /// <summary><c>X-Forwarded-For</c>, its repeated headers joined by commas in order; read only from a trusted proxy.</summary>
    public string? ForwardedFor { get; private set; }

    /// <summary><c>Forwarded</c> (RFC 7239), joined as <see cref="ForwardedFor"/>.</summary>
    public string? Forwarded { get; private set; }

    /// <summary><c>Origin</c>; a request with several is judged by its last.</summary>
    public string? Origin { get; private set; }

    /// <summary><c>User-Agent</c>, cut to <see cref="UserAgents.MaxLength"/> characters; shown to a host that admits viewers.</summary>
    public string? UserAgent { get; private set; }

    /// <summary>Whether the request asks for a WebSocket at all (<c>Upgrade: websocket</c>).</summary>
    public readonly bool IsWebSocket => _upgrade;

    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (Ascii.EqualsIgnoreCase(name, "Host"u8))
        {
            _hosts++;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Upgrade"u8))
        {
            _upgrade |= HasToken(value, "websocket"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
        {
            _connection |= HasToken(value, "upgrade"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Version"u8))
        {
            _versions++;
            _version13 = value.SequenceEqual("13"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "Sec-WebSocket-Key"u8))
        {
            _keys++;
            _keyValid = IsValidKey(value);
        }
        else if (Ascii.EqualsIgnoreCase(name, "X-Forwarded-For"u8))
        {
            ForwardedFor = Join(ForwardedFor, value);
        }
        else if (Ascii.EqualsIgnoreCase(name, "Forwarded"u8))
        {
            Forwarded = Join(Forwarded, value);
        }
        else if (Ascii.EqualsIgnoreCase(name, "Origin"u8))
        {
            Origin = Encoding.ASCII.GetString(value);
        }
        else if (Ascii.EqualsIgnoreCase(name, "User-Agent"u8))
        {
            UserAgent = UserAgents.Of(value);
        }
    }

    /// <summary>The headers <see cref="Add(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> looks at, for the HTTP pipeline's path.</summary>
    public static readonly string[] HeaderNames = ["Host", "Upgrade", "Connection", "Sec-WebSocket-Version", "Sec-WebSocket-Key", "X-Forwarded-For", "Forwarded", "Origin", "User-Agent"];

    private static string Join(string? earlier, ReadOnlySpan<byte> value) =>
        earlier is null ? Encoding.ASCII.GetString(value) : $"{earlier},{Encoding.ASCII.GetString(value)}";

    /// <summary>Adds a header as HTTP parsed it (each of a repeated header's values counts).</summary>
    public void Add(string name, string? value)
    {
        Add(Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(value ?? ""));
    }

    /// <summary>RFC 6455 4.2.1 and 4.2.2 for a request that <see cref="IsWebSocket"/>.</summary>
    public readonly HandshakeStatus Verdict(bool isGet, bool isHttp11)
    {
        if (!isGet || !isHttp11 || _hosts != 1 || !_connection)
        {
            return HandshakeStatus.BadRequest;
        }
        if (_versions != 1 || !_version13)
        {
            return HandshakeStatus.UpgradeRequired;
        }
        return _keys == 1 && _keyValid ? HandshakeStatus.Upgrade : HandshakeStatus.BadRequest;
    }

    /// <summary>Whether a comma-separated header value holds <paramref name="token"/>.</summary>
    public static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>RFC 6455 4.2.1: the key is 16 random bytes in base64, which is always 24 characters.</summary>
    private static bool IsValidKey(ReadOnlySpan<byte> key)
    {
        Span<byte> decoded = stackalloc byte[18];
        return key.Length == 24 && Base64.DecodeFromUtf8(key, decoded, out _, out var written) == OperationStatus.Done && written == 16;
    }
}
