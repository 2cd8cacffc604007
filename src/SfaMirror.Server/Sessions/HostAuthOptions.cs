using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Sessions;

/// <summary>
/// Who may host: host tokens (JWTs in <c>CREATE_SESSION</c> and a host's resume, docs/protocol.md, "Host tokens").
/// Bound from <c>Relay:HostAuth</c> (environment: <c>Relay__HostAuth__Mode</c>, ...). Off by default.
/// </summary>
internal sealed class HostAuthOptions
{
    public const string Section = "HostAuth";

    /// <summary><c>Off</c>, <c>Optional</c> or <c>Required</c>.</summary>
    [EnumDataType(typeof(HostAuthMode))]
    public HostAuthMode Mode { get; set; } = HostAuthMode.Off;

    /// <summary>Shared secret for HS256 tokens, at least 32 bytes (the size HS256 needs). Empty: HS256 is not accepted.</summary>
    public string? Secret { get; set; }

    /// <summary>Public keys for RS256 and ES256 tokens, each a PEM file path or the PEM text itself.</summary>
    public string[]? PublicKeys { get; set; }

    /// <summary>The <c>iss</c> a token must carry; empty: not checked.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> a token must carry; empty: not checked.</summary>
    public string? Audience { get; set; }

    /// <summary>Tolerated difference between the token issuer's clock and ours when checking <c>exp</c> and <c>nbf</c>.</summary>
    [Range(0, 3600)]
    public double ClockSkewSeconds { get; set; } = 30;
}

/// <summary>Checks <see cref="HostAuthOptions"/>' data annotations with code generated at build time (Native-AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class HostAuthOptionsValidator : IValidateOptions<HostAuthOptions>;

/// <summary>With host tokens on, there must be a key to check them with, and every key must load: fail at start, not at the first host.</summary>
internal sealed class HostAuthKeysValidator : IValidateOptions<HostAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, HostAuthOptions options)
    {
        if (options.Mode == HostAuthMode.Off)
        {
            return ValidateOptionsResult.Success;
        }
        // Checked here, not with [MinLength]: that attribute reads Count by reflection, which trimming may remove.
        if (!string.IsNullOrEmpty(options.Secret) && System.Text.Encoding.UTF8.GetByteCount(options.Secret) < 32)
        {
            return ValidateOptionsResult.Fail("Relay:HostAuth:Secret must be at least 32 bytes (HS256)");
        }
        try
        {
            return HostKeys.Load(options).Count > 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Relay:HostAuth:Mode needs Relay:HostAuth:Secret or Relay:HostAuth:PublicKeys");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            return ValidateOptionsResult.Fail($"Relay:HostAuth:PublicKeys: {ex.Message}");
        }
    }
}
