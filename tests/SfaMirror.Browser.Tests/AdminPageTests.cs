using Microsoft.Playwright;
using SfaMirror.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SfaMirror.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class AdminPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Admin_page_refuses_a_wrong_token()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/admin");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await page.GetByLabel("Admin token").FillAsync("not-the-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The token was refused.");
        await Expect(page.Locator("#dashboard")).ToBeHiddenAsync();
        await Expect(page.GetByLabel("Admin token")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Admin_api_refuses_a_request_without_the_token()
    {
        await using var context = await fixture.NewContextAsync();

        var response = await context.APIRequest.GetAsync("/admin/api/stats");

        Assert.Equal(401, response.Status);
        Assert.Equal("Bearer", response.Headers["www-authenticate"]);
    }

    [Fact]
    public async Task Admin_page_with_the_token_shows_a_live_session()
    {
        await using var sfaContext = await fixture.NewContextAsync();
        await using var adminContext = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(sfaContext);
        var code = await sfa.CreateSessionAsync();

        var page = await SignInAsync(adminContext);

        await Expect(page.Locator("#live-state")).ToHaveTextAsync("live");
        var row = page.Locator($"#sessions tbody tr[data-code='{code}']");
        await Expect(row.Locator("td").Nth(0)).ToHaveTextAsync(code);
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("1");
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("0");
        await Expect(row.Locator("td").Nth(5)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(" ago$"));
        Assert.DoesNotContain("test-admin-token", page.Url);
    }

    [Fact]
    public async Task Admin_page_updates_itself_when_a_mirror_joins()
    {
        await using var sfaContext = await fixture.NewContextAsync();
        await using var mirrorContext = await fixture.NewContextAsync();
        await using var adminContext = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(sfaContext);
        var code = await sfa.CreateSessionAsync();
        var page = await SignInAsync(adminContext);
        var viewers = page.Locator($"#sessions tbody tr[data-code='{code}'] td:nth-child(3)");
        await Expect(viewers).ToHaveTextAsync("0");

        var mirror = await ConsolePage.OpenAsync(mirrorContext, $"/mirror/{code}");

        await Expect(viewers).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task Admin_page_shows_an_encrypted_sessions_controls_and_its_waiting_mirror()
    {
        await using var sfaContext = await fixture.NewContextAsync();
        await using var mirrorContext = await fixture.NewContextAsync();
        await using var adminContext = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(sfaContext);
        var code = await sfa.CreateSessionAsync(encrypted: true);
        var mirror = await ConsolePage.OpenAsync(mirrorContext);
        await mirror.JoinAsync(code);
        await Expect(sfa.Waiting).ToHaveCountAsync(1);

        var page = await SignInAsync(adminContext);

        var row = page.Locator($"#sessions tbody tr[data-code='{code}']");
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("0");
        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("1");
        await Expect(row.Locator("td").Nth(8)).ToHaveTextAsync("encrypted, admission");
    }

    [Fact]
    public async Task Admin_area_does_not_exist_without_a_configured_token()
    {
        await using var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.RelayWithoutAdmin.BaseUri.ToString() });

        var pageResponse = await context.APIRequest.GetAsync("/admin");
        var apiResponse = await context.APIRequest.GetAsync("/admin/api/stats", new() { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer x" } });

        Assert.Equal(404, pageResponse.Status);
        Assert.Equal(404, apiResponse.Status);
    }

    /// <summary>The admin page, signed in with the fixture's token.</summary>
    private static async Task<IPage> SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/admin");
        await page.GetByLabel("Admin token").FillAsync(BrowserFixture.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        return page;
    }
}
