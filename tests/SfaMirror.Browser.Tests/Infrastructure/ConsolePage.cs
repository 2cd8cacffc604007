using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SfaMirror.Browser.Tests.Infrastructure;

/// <summary>The browser console as a person uses it: by labels and button names.</summary>
public sealed class ConsolePage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator ConnectionState => Page.Locator("#connection-state");

    public ILocator Members => Page.Locator("#members");

    public ILocator CustomerCard => Page.Locator("#customer-card");

    public ILocator ProductCard => Page.Locator("#product-card");

    public ILocator Log => Page.Locator("#log");

    public static async Task<ConsolePage> OpenAsync(IBrowserContext context, string path = "/")
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        return new ConsolePage(page);
    }

    /// <summary>The Mirror link (a join link) the SFA side shows.</summary>
    public ILocator MirrorLink => Page.Locator("#mirror-link");

    /// <summary>The SFA side's list of Mirrors waiting to be admitted.</summary>
    public ILocator Waiting => Page.Locator("#waiting li");

    public ILocator MemberList => Page.Locator("#member-list li");

    /// <summary>Creates a session on the SFA side and returns its code.</summary>
    public async Task<string> CreateSessionAsync(bool encrypted = false, bool admitViewers = false)
    {
        await Page.GetByLabel("SFA (salesperson, creates the session)").CheckAsync();
        await Page.GetByLabel("Encrypted (end-to-end)").SetCheckedAsync(encrypted);
        await Page.GetByLabel("Admit viewers").SetCheckedAsync(admitViewers);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create session" }).ClickAsync();
        await Expect(Page.Locator("#session-code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[A-Z2-9]{6}$"));
        return await Page.Locator("#session-code").InnerTextAsync();
    }

    public async Task SendCustomerNameAsync(string name)
    {
        await Page.Locator("#customer-form").GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send customer" }).ClickAsync();
    }

    public async Task JoinAsync(string code)
    {
        await Page.GetByLabel("Mirror (customer screen, joins with a code)").CheckAsync();
        await Page.Locator("#join-code").FillAsync(code);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
    }
}
