namespace SfaMirror.Server.Backplane;

/// <summary>
/// Who may do what in a session, fixed when it is created and kept with it by either store.
/// <paramref name="HostSubject"/> is the host token's <c>sub</c> (null without a token): it counts against
/// <c>MaxSessionsPerHost</c> and is shown on <c>/admin</c>. <paramref name="HostVerified"/>: the host proved who it
/// is with a valid token (viewers see <c>hostVerified</c>). <paramref name="ViewersReadOnly"/>: viewers' updates are refused.
/// <paramref name="AdmitByHost"/>: each viewer waits until the host admits it. <paramref name="Encrypted"/>: an end-to-end
/// encrypted session (admission is then on; payloads must be sealed).
/// </summary>
internal readonly record struct SessionAccess(bool ViewersReadOnly, string? HostSubject, bool HostVerified, bool AdmitByHost = false, bool Encrypted = false)
{
    /// <summary>A session as the original server made them: no token, viewers may update.</summary>
    public static readonly SessionAccess Open = default;

    /// <summary>
    /// The one rule for a member's update (docs/protocol.md, "Read-only viewers"): a viewer may not change the
    /// state of a read-only session or on a relay that denies viewer updates. The Redis update script applies the
    /// same rule to the same two inputs (the stored flag and <paramref name="denyAllViewers"/>).
    /// </summary>
    public static bool MayUpdate(bool isViewer, bool viewersReadOnly, bool denyAllViewers) =>
        !isViewer || !(viewersReadOnly || denyAllViewers);
}
