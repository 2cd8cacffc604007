namespace SfaMirror.Server;

/// <summary>The configuration section every area's options bind from: <c>Relay:MaxMessageBytes</c>, <c>Relay__Redis</c>, ...</summary>
internal static class RelaySection
{
    public const string Name = "Relay";
}

