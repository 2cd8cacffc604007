namespace SfaMirror.Server.Transport;

/// <summary>
/// <c>AllowedOrigins</c>: an upgrade's <c>Origin</c> must equal an entry (scheme, host and port) or, for an entry
/// like <c>https://*.example.com</c>, be a subdomain of it with the same scheme and port. Empty allows any; an
/// upgrade without <c>Origin</c> is not from a browser page and always passes (the native apps send none).
/// </summary>
internal sealed class AllowedOrigins
{
    private readonly (string Scheme, string Host, int Port, bool Subdomains)[] _entries;

    public AllowedOrigins(string list)
    {
        _entries = [.. Split(list).Select(e => Parse(e) ?? throw new FormatException($"Not an origin: {e}"))];
    }

    public static bool AreValid(string? list) => Split(list).All(e => Parse(e) is not null);

    public bool IsAllowed(string? origin)
    {
        if (_entries.Length == 0 || origin is null)
        {
            return true;
        }
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.PathAndQuery is not ("/" or ""))
        {
            return false; // "null" (a sandboxed page, a file) and anything else that is no origin
        }
        foreach (var (scheme, host, port, subdomains) in _entries)
        {
            if (uri.Scheme == scheme && uri.Port == port &&
                (subdomains ? uri.Host.EndsWith("." + host, StringComparison.OrdinalIgnoreCase) : uri.Host.Equals(host, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }
        return false;
    }

    private static (string, string, int, bool)? Parse(string entry)
    {
        var subdomains = entry.Contains("://*.", StringComparison.Ordinal);
        // "*" is no host a Uri takes; any label stands in for it, and the rest is what is compared.
        var parsable = subdomains ? entry.Replace("://*.", "://any.", StringComparison.Ordinal) : entry;
        if (!Uri.TryCreate(parsable, UriKind.Absolute, out var uri) || uri.PathAndQuery is not ("/" or "") || uri.Host.Length == 0)
        {
            return null;
        }
        return (uri.Scheme, subdomains ? uri.Host["any.".Length..] : uri.Host, uri.Port, subdomains);
    }

    private static string[] Split(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
