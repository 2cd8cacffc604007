namespace SfaMirror.Server.Sessions;

/// <summary>Session codes: six characters a person can read aloud and type (no 0/O, 1/I/L).</summary>
internal static class SessionCode
{
    public const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    public const int Length = 6;

    /// <summary>
    /// The canonical form of a client-supplied code: trimmed (<see cref="char.IsWhiteSpace"/>) and upper-case.
    /// Null when the code counts as absent (null, empty or only white space).
    /// </summary>
    public static string? Normalize(string? raw)
    {
        if (raw is null)
        {
            return null;
        }
        var span = raw.AsSpan().Trim();
        if (span.IsEmpty)
        {
            return null;
        }
        // The common case, a code already canonical, costs no allocation.
        if (span.Length == raw.Length && !HasLowerCase(span))
        {
            return raw;
        }
        return string.Create(span.Length, raw, static (dest, src) => src.AsSpan().Trim().ToUpperInvariant(dest));
    }

    private static bool HasLowerCase(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (char.IsLower(c))
            {
                return true;
            }
        }
        return false;
    }
}
