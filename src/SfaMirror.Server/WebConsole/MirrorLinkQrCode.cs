using QRCoder;
using SfaMirror.Server.Sessions;

namespace SfaMirror.Server.WebConsole;

/// <summary>
/// Draws the QR code of a Mirror link as SVG (QRCoder). Only links to this server's own Mirror page
/// (<c>{scheme}://{this host}/mirror/{code}</c>) are drawn, so the endpoint cannot be used to make QR codes of anything else.
/// </summary>
internal static class MirrorLinkQrCode
{
    public static IResult Draw(HttpRequest request, string? data)
    {
        if (!IsOwnMirrorLink(request, data))
        {
            return Results.BadRequest("data must be a link to this server's /mirror/{code} page");
        }
        using var generator = new QRCodeGenerator();
        using var code = generator.CreateQrCode(data!, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(code).GetGraphic(8);
        return Results.Text(svg, "image/svg+xml; charset=utf-8");
    }

    public static bool IsOwnMirrorLink(HttpRequest request, string? data)
    {
        if (data is null || data.Length > 200 || !Uri.TryCreate(data, UriKind.Absolute, out var uri))
        {
            return false;
        }
        if (uri.Scheme is not ("http" or "https") || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return false;
        }
        const string prefix = "/mirror/";
        var path = uri.AbsolutePath;
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || path.Length != prefix.Length + SessionCode.Length)
        {
            return false;
        }
        foreach (var c in path.AsSpan(prefix.Length))
        {
            if (!SessionCode.Alphabet.Contains(c))
            {
                return false;
            }
        }
        return true;
    }
}
