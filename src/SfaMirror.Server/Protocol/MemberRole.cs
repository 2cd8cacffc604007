namespace SfaMirror.Server.Protocol;

/// <summary>A member's role in a session: the host created it (or resumed it), viewers joined it.</summary>
internal enum MemberRole : byte
{
    Viewer = 0,
    Host = 1,
}

internal static class MemberRoles
{
    public static string Name(MemberRole role) => role == MemberRole.Host ? "host" : "viewer";
}
