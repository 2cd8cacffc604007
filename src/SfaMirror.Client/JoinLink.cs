using System.Globalization;

namespace SfaMirror.Client;

/// <summary>
/// A Mirror join link, <c>…/?join=&lt;joinKey&gt;#k=&lt;content key&gt;&amp;g=&lt;generation&gt;</c> (docs/security.md,
/// "Pairing by link"): the key in the query, the encrypted session's content key in the fragment, which no server sees.
/// </summary>
public sealed record JoinLink(string JoinKey, string? ContentKey = null, long? Generation = null)
{
    /// <summary>Reads a link; a <see cref="FormatException"/> when it has no <c>join</c> parameter or a bad fragment.</summary>
    public static JoinLink Parse(Uri link)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (!link.IsAbsoluteUri)
        {
            throw new FormatException("A join link is an absolute address.");
        }
        var query = Pairs(link.Query);
        if (!query.TryGetValue("join", out var joinKey) || joinKey.Length == 0)
        {
            throw new FormatException("The link has no join key (?join=…).");
        }
        var fragment = Pairs(link.Fragment);
        fragment.TryGetValue("k", out var contentKey);
        long? generation = null;
        if (fragment.TryGetValue("g", out var g))
        {
            generation = long.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new FormatException("The link's generation (g) is not a number.");
        }
        if (contentKey is { Length: > 0 })
        {
            try
            {
                if (E2e.E2eCrypto.FromBase64Url(contentKey).Length != E2e.E2eCrypto.KeyBytes)
                {
                    throw new FormatException("The link's content key (k) is not 32 bytes.");
                }
            }
            catch (FormatException ex) when (ex.Message.StartsWith("not", StringComparison.Ordinal))
            {
                throw new FormatException("The link's content key (k) is not base64url.", ex);
            }
            return new JoinLink(joinKey, contentKey, generation ?? 0);
        }
        return new JoinLink(joinKey);
    }

    /// <summary>The link on <paramref name="page"/> (e.g. the relay's console at <c>http://host:3000/</c>).</summary>
    public Uri ToUri(Uri page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var builder = new UriBuilder(page)
        {
            Query = "join=" + Uri.EscapeDataString(JoinKey),
            Fragment = ContentKey is null ? "" : string.Create(CultureInfo.InvariantCulture, $"k={ContentKey}&g={Generation ?? 0}"),
        };
        return builder.Uri;
    }

    private static Dictionary<string, string> Pairs(string part)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in part.TrimStart('?', '#').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? item : item[..equals]);
            pairs[name] = equals < 0 ? "" : Uri.UnescapeDataString(item[(equals + 1)..]);
        }
        return pairs;
    }
}
