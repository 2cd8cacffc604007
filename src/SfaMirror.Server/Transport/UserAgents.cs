using System.Collections.Concurrent;
using System.Text;

namespace SfaMirror.Server.Transport;

/// <summary>
/// An upgrade's <c>User-Agent</c> as the relay keeps it for the connection's life: cut to <see cref="MaxLength"/>
/// characters and shared between connections that sent the same one (a fleet of tablets sends a handful of
/// strings, and idle connections should not each hold a copy).
/// </summary>
internal static class UserAgents
{
    public const int MaxLength = 200;
    private const int MaxShared = 1024;
    private static readonly ConcurrentDictionary<string, string> Shared = new(StringComparer.Ordinal);

    public static string Of(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return "";
        }
        // Header bytes beyond ASCII have no agreed encoding; Latin-1 keeps one character per byte.
        var text = Encoding.Latin1.GetString(value[..Math.Min(value.Length, MaxLength)]);
        if (Shared.TryGetValue(text, out var shared))
        {
            return shared;
        }
        return Shared.Count < MaxShared ? Shared.GetOrAdd(text, text) : text;
    }
}
