using System.ComponentModel.DataAnnotations;
using System.Net;

namespace SfaMirror.Server.Observability;

/// <summary>
/// Where the operator endpoints (<c>/metrics</c>, <c>/admin</c>, <c>/readyz</c>) are served. Bound from the <c>Relay</c>
/// section (<c>Relay__ManagementPort</c>, <c>Relay__ManagementBindAddress</c>).
/// </summary>
internal sealed class ManagementOptions
{
    /// <summary>A second listener for the operator endpoints, which the public port then answers with 404. 0: off, all on one port.</summary>
    [Range(0, 65_535)]
    public int ManagementPort { get; set; }

    /// <summary>The address the management listener binds: a private interface, never the public one.</summary>
    public string ManagementBindAddress { get; set; } = "127.0.0.1";

    public static bool IsValidAddress(string address) => IPAddress.TryParse(address, out _);
}

/// <summary>Checks <see cref="ManagementOptions"/>' data annotations with code generated at build time.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class ManagementOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ManagementOptions>;
