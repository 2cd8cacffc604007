using Microsoft.Playwright;
using SfaMirror.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SfaMirror.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class ConsoleTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Mirror_joining_by_code_shows_the_customer_the_sfa_side_set()
    {
        await using var sfaContext = await fixture.NewContextAsync();
        await using var mirrorContext = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(sfaContext);
        var code = await sfa.CreateSessionAsync();
        await sfa.SendCustomerNameAsync("Grace Hopper");
        await Expect(sfa.Log).ToContainTextAsync("Customer sent to 0 member(s)");

        var mirror = await ConsolePage.OpenAsync(mirrorContext);
        await mirror.JoinAsync(code);

        await Expect(mirror.ConnectionState).ToHaveTextAsync("open");
        await Expect(mirror.CustomerCard.Locator(".title")).ToHaveTextAsync("Grace Hopper");
        await Expect(mirror.CustomerCard).ToContainTextAsync("Analytical Engines Ltd");
        await Expect(mirror.Members).ToHaveTextAsync("2");
        await Expect(sfa.Members).ToHaveTextAsync("2");
    }

    [Fact]
    public async Task Customer_changed_on_the_sfa_side_shows_on_the_mirror()
    {
        await using var sfaContext = await fixture.NewContextAsync();
        await using var mirrorContext = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(sfaContext);
        var code = await sfa.CreateSessionAsync();
        var mirror = await ConsolePage.OpenAsync(mirrorContext);
        await mirror.JoinAsync(code);
        await Expect(sfa.Members).ToHaveTextAsync("2");

        await sfa.SendCustomerNameAsync("Ada Lovelace");
        await Expect(mirror.CustomerCard.Locator(".title")).ToHaveTextAsync("Ada Lovelace");
        await sfa.SendCustomerNameAsync("Katherine Johnson");

        await Expect(mirror.CustomerCard.Locator(".title")).ToHaveTextAsync("Katherine Johnson");
        await Expect(mirror.Page.Locator("#customer-raw")).ToContainTextAsync("\"name\": \"Katherine Johnson\"");
    }

    [Fact]
    public async Task Product_sent_as_edited_json_shows_on_the_mirror()
    {
        await using var sfaContext = await fixture.NewContextAsync();
        await using var mirrorContext = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(sfaContext);
        var code = await sfa.CreateSessionAsync();
        var mirror = await ConsolePage.OpenAsync(mirrorContext);
        await mirror.JoinAsync(code);
        await Expect(sfa.Members).ToHaveTextAsync("2");

        await sfa.Page.GetByLabel("Product as JSON (sent as written)").FillAsync("""{"sku":"X-9","name":"Jacquard loom","price":12.5}""");
        await sfa.Page.GetByRole(AriaRole.Button, new() { Name = "Send product" }).ClickAsync();

        await Expect(mirror.ProductCard.Locator(".title")).ToHaveTextAsync("Jacquard loom");
        await Expect(mirror.ProductCard).ToContainTextAsync("X-9");
        await Expect(sfa.Log).ToContainTextAsync("Product sent to 1 member(s)");
    }

    [Fact]
    public async Task Closing_the_sfa_page_shows_the_host_leaving_on_the_mirror()
    {
        await using var sfaContext = await fixture.NewContextAsync();
        await using var mirrorContext = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(sfaContext);
        var code = await sfa.CreateSessionAsync();
        var mirror = await ConsolePage.OpenAsync(mirrorContext);
        await mirror.JoinAsync(code);
        await Expect(mirror.Members).ToHaveTextAsync("2");

        await sfa.Page.CloseAsync();

        await Expect(mirror.Log).ToContainTextAsync("SFA (host) left (disconnected); 1 member(s)");
        await Expect(mirror.Members).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task Mirror_opened_with_the_code_in_the_url_joins_by_itself()
    {
        await using var sfaContext = await fixture.NewContextAsync();
        await using var mirrorContext = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(sfaContext);
        var code = await sfa.CreateSessionAsync();
        await sfa.SendCustomerNameAsync("Margaret Hamilton");
        await Expect(sfa.Page.Locator("#mirror-link")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("/\\?join=[A-Za-z0-9_-]{32}$"));

        var mirror = await ConsolePage.OpenAsync(mirrorContext, $"/mirror/{code}");

        await Expect(mirror.Page.GetByLabel("Mirror (customer screen, joins with a code)")).ToBeCheckedAsync();
        await Expect(mirror.CustomerCard.Locator(".title")).ToHaveTextAsync("Margaret Hamilton");
        await Expect(mirror.Log).ToContainTextAsync($"Joined {code} as Mirror (viewer)");
    }

    [Fact]
    public async Task Mirror_opened_with_a_join_query_joins_by_itself()
    {
        await using var sfaContext = await fixture.NewContextAsync();
        await using var mirrorContext = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(sfaContext);
        var code = await sfa.CreateSessionAsync();

        var mirror = await ConsolePage.OpenAsync(mirrorContext, $"/?join={code.ToLowerInvariant()}");

        await Expect(mirror.Members).ToHaveTextAsync("2");
        await Expect(sfa.Log).ToContainTextAsync("Mirror (viewer) joined; 2 member(s)");
    }

    [Fact]
    public async Task Sfa_side_shows_the_mirror_link_as_a_qr_code()
    {
        await using var context = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(context);
        var code = await sfa.CreateSessionAsync();

        var qr = sfa.Page.GetByAltText("QR code of the Mirror link");
        await Expect(qr).ToBeVisibleAsync();
        // Drawn in the browser (the link may hold a content key in its fragment): a data URL, not /qr?data=.
        await Expect(qr).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^data:image/gif;base64,"));
        Assert.Matches("^[A-Z2-9]{6}$", code);
        // The image really loaded (an SVG of the QR code), not a broken image.
        var width = await qr.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : 0");
        Assert.True(width > 100, $"QR image width {width}");
    }

    [Fact]
    public async Task Console_can_be_driven_with_the_keyboard_alone()
    {
        await using var context = await fixture.NewContextAsync();
        var page = (await ConsolePage.OpenAsync(context)).Page;

        await page.GetByRole(AriaRole.Button, new() { Name = "Create session" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#session-code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[A-Z2-9]{6}$"));
        await Expect(page.Locator("#connection-state")).ToHaveTextAsync("open");
    }
}
