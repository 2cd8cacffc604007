using SfaMirror.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace SfaMirror.Browser.Tests.Infrastructure;

/// <summary>
/// One headless Chromium (Debian's /usr/bin/chromium, never a downloaded build) and one relay with an admin
/// token, shared by the browser tests; each test opens its own browser contexts and sessions.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string AdminToken = "test-admin-token";
    public const string ChromiumPath = "/usr/bin/chromium";

    // The machine has no internet: without the background-networking switches Chromium floods refused connections.
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public RelayServer Relay { get; private set; } = null!;

    /// <summary>
    /// A second relay, without an admin token. It lives as long as <see cref="Relay"/>: disposing a relay while
    /// another one is scraped would stop the other's metrics (open-telemetry/opentelemetry-dotnet#6412).
    /// </summary>
    public RelayServer RelayWithoutAdmin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(5_000);
        Relay = await RelayServer.StartAsync(("AdminToken", AdminToken));
        RelayWithoutAdmin = await RelayServer.StartAsync();
        _playwright = await Playwright.CreateAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 30_000,
        });
    }

    /// <summary>A fresh browser context (its own storage, like a separate device) with short timeouts.</summary>
    public async Task<IBrowserContext> NewContextAsync(int width = 1180, int height = 820)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Relay.BaseUri.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(10_000);
        context.SetDefaultNavigationTimeout(10_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (Relay is not null)
        {
            await Relay.DisposeAsync();
        }
        if (RelayWithoutAdmin is not null)
        {
            await RelayWithoutAdmin.DisposeAsync();
        }
    }
}
