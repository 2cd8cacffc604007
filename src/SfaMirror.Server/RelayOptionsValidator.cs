using Microsoft.Extensions.Options;

namespace SfaMirror.Server;

/// <summary>
/// Checks <see cref="RelayOptions"/>' data annotations ([Range], [RegularExpression]) with code generated at
/// build time: the reflection-based <c>ValidateDataAnnotations</c> is not trim- or Native-AOT-safe.
/// </summary>
[OptionsValidator]
internal sealed partial class RelayOptionsValidator : IValidateOptions<RelayOptions>;
