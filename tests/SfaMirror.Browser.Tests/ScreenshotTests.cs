using Microsoft.Playwright;
using SfaMirror.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SfaMirror.Browser.Tests;

/// <summary>
/// Pictures of the console (both sides) and the admin page as a person sees them on a tablet-sized screen.
/// They go to <c>SFA_MIRROR_SCREENSHOTS_DIR</c> when set (scripts/screenshots.sh sets it to docs/),
/// otherwise to the test's output folder, so that an ordinary test run never rewrites tracked files.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserFixture fixture)
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Console_and_admin_pages_render_to_screenshots()
    {
        var folder = Environment.GetEnvironmentVariable("SFA_MIRROR_SCREENSHOTS_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await using var sfaContext = await fixture.NewContextAsync(1024, 1366);
        await using var mirrorContext = await fixture.NewContextAsync(1024, 768);
        await using var adminContext = await fixture.NewContextAsync(1180, 900);

        var sfa = await ConsolePage.OpenAsync(sfaContext);
        var code = await sfa.CreateSessionAsync();
        var mirror = await ConsolePage.OpenAsync(mirrorContext, $"/mirror/{code}");
        await Expect(sfa.Members).ToHaveTextAsync("2");
        await sfa.SendCustomerNameAsync("Ada Lovelace");
        await sfa.Page.GetByRole(AriaRole.Button, new() { Name = "Send product" }).ClickAsync();
        await Expect(mirror.ProductCard.Locator(".title")).ToHaveTextAsync("Difference Engine No. 2");
        await Expect(mirror.CustomerCard.Locator(".title")).ToHaveTextAsync("Ada Lovelace");
        await mirror.Page.Locator("#customer-card details summary").ClickAsync();
        await Expect(sfa.Page.GetByAltText("QR code of the Mirror link")).ToBeVisibleAsync();

        var admin = await adminContext.NewPageAsync();
        await admin.GotoAsync("/admin");
        await admin.GetByLabel("Admin token").FillAsync(BrowserFixture.AdminToken);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        // A few seconds of updates, so that the chart has something to draw.
        for (var i = 0; i < 6; i++)
        {
            await sfa.SendCustomerNameAsync($"Ada Lovelace {i}");
            await Task.Delay(400);
        }
        await Expect(admin.Locator($"#sessions tbody tr[data-code='{code}']")).ToBeVisibleAsync();
        await Expect(admin.Locator("#chart polyline.in")).ToHaveCountAsync(1);

        await Check(await sfa.Page.ScreenshotAsync(new() { Path = Path.Combine(folder, "console-sfa.png"), FullPage = true }));
        await Check(await mirror.Page.ScreenshotAsync(new() { Path = Path.Combine(folder, "console-mirror.png"), FullPage = true }));
        await Check(await admin.ScreenshotAsync(new() { Path = Path.Combine(folder, "admin.png"), FullPage = true }));
    }

    private static Task Check(byte[] png)
    {
        Assert.True(png.Length > 10_000, $"screenshot of {png.Length} bytes");
        Assert.Equal(PngSignature, png[..8]);
        return Task.CompletedTask;
    }
}
