namespace SfaMirror.Server.Admin;

/// <summary>A client address this node refused (joins over budget, upgrades over a limit) and how often in the last five minutes.</summary>
internal sealed record AdminRefusedAddress(string Address, long Refusals);
