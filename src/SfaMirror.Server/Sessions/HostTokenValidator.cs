using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Sessions;

/// <summary>The outcome of a host token check: an error code and message, or the token's subject (null when none was needed or given).</summary>
internal readonly record struct HostAuthResult(string? ErrorCode, string? Message, string? Subject)
{
    public static readonly HostAuthResult Anonymous = default;
}

/// <summary>
/// Checks host tokens with <see cref="JsonWebTokenHandler"/>: signature (HS256, RS256, ES256 only), <c>exp</c>
/// (required), <c>nbf</c>, issuer and audience when configured, and a <c>sub</c>. The keys are given directly,
/// never fetched from metadata, so nothing here depends on reflection-based configuration retrieval.
/// </summary>
internal sealed class HostTokenValidator
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters? _parameters;

    public HostTokenValidator(IOptions<HostAuthOptions> options)
    {
        var o = options.Value;
        Mode = o.Mode;
        if (Mode == HostAuthMode.Off)
        {
            return;
        }
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = HostKeys.Load(o),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(o.ClockSkewSeconds),
            ValidateIssuer = !string.IsNullOrEmpty(o.Issuer),
            ValidIssuer = o.Issuer,
            ValidateAudience = !string.IsNullOrEmpty(o.Audience),
            ValidAudience = o.Audience,
            ValidateIssuerSigningKey = false,
        };
    }

    public HostAuthMode Mode { get; }

    /// <summary>Checks the token a host presented (null: none).</summary>
    public async ValueTask<HostAuthResult> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (Mode == HostAuthMode.Off || token is null && Mode == HostAuthMode.Optional)
        {
            return HostAuthResult.Anonymous;
        }
        if (string.IsNullOrEmpty(token))
        {
            return new HostAuthResult(ErrorCodes.AuthRequired, ErrorCodes.DefaultMessage(ErrorCodes.AuthRequired), null);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var result = await _handler.ValidateTokenAsync(token, _parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Invalid(Why(result.Exception));
        }
        var subject = (result.SecurityToken as JsonWebToken)?.Subject;
        return string.IsNullOrEmpty(subject) ? Invalid("Host token has no subject (sub)") : new HostAuthResult(null, null, subject);
    }

    private static HostAuthResult Invalid(string message) => new(ErrorCodes.AuthInvalid, message, null);

    /// <summary>What an operator or app developer needs to fix, never the token itself.</summary>
    private static string Why(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "Host token expired",
        SecurityTokenNotYetValidException => "Host token not yet valid",
        SecurityTokenNoExpirationException => "Host token has no expiry (exp)",
        SecurityTokenInvalidSignatureException => "Host token signature is invalid",
        SecurityTokenInvalidAlgorithmException => "Host token algorithm is not accepted",
        SecurityTokenInvalidIssuerException => "Host token issuer is not accepted",
        SecurityTokenInvalidAudienceException => "Host token audience is not accepted",
        _ => "Host token is malformed",
    };
}
