using Microsoft.Playwright;
using SfaMirror.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SfaMirror.Browser.Tests;

/// <summary>Issues 16 and 17 in the console: admission, kick, join links and encrypted sessions.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdmissionConsoleTests(BrowserFixture fixture)
{
    private static readonly System.Text.RegularExpressions.Regex SixDigits = new("^[0-9]{6}$");

    [Fact]
    public async Task Mirror_opened_from_the_join_link_waits_until_admitted_and_a_kick_ends_its_view()
    {
        await using var sfaContext = await fixture.NewContextAsync();
        await using var mirrorContext = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(sfaContext);
        await sfa.CreateSessionAsync(admitViewers: true);
        await sfa.SendCustomerNameAsync("Grace Hopper");
        await Expect(sfa.MirrorLink).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("/\\?join=[A-Za-z0-9_-]{32}$"));
        var link = await sfa.MirrorLink.GetAttributeAsync("href");

        var mirror = await ConsolePage.OpenAsync(mirrorContext, link!);

        await Expect(mirror.Page.Locator("#mirror-status")).ToContainTextAsync("Waiting for the salesperson");
        await Expect(sfa.Waiting).ToHaveCountAsync(1);
        await Expect(sfa.Waiting).ToContainTextAsync("HeadlessChrome");
        await Expect(mirror.CustomerCard).ToContainTextAsync("No customer shown yet.");

        await sfa.Waiting.GetByRole(AriaRole.Button, new() { Name = "Admit" }).ClickAsync();

        await Expect(mirror.CustomerCard.Locator(".title")).ToHaveTextAsync("Grace Hopper");
        await Expect(mirror.Page.Locator("#mirror-status")).ToBeHiddenAsync();
        await Expect(sfa.Waiting).ToHaveCountAsync(0);
        await Expect(sfa.MemberList).ToHaveCountAsync(1);

        await sfa.MemberList.GetByRole(AriaRole.Button, new() { Name = "Kick" }).ClickAsync();

        await Expect(mirror.Log).ToContainTextAsync("Session ended (kicked)");
        await Expect(mirror.CustomerCard).ToContainTextAsync("No customer shown.");
        await Expect(mirror.Page.Locator("#mirror-status")).ToContainTextAsync("removed this screen");
        await Expect(sfa.MemberList).ToHaveCountAsync(0);
        await Expect(sfa.Members).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task Encrypted_session_mirror_by_link_shows_the_customer_and_a_mirror_by_code_shows_the_sfa_sides_digits()
    {
        await using var sfaContext = await fixture.NewContextAsync();
        await using var linkContext = await fixture.NewContextAsync();
        await using var codeContext = await fixture.NewContextAsync();
        var sfa = await ConsolePage.OpenAsync(sfaContext);
        var code = await sfa.CreateSessionAsync(encrypted: true);
        await sfa.SendCustomerNameAsync("Ada Lovelace");
        await Expect(sfa.MirrorLink).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("/\\?join=[A-Za-z0-9_-]{32}#k=[A-Za-z0-9_-]{43}&g=0$"));
        await Expect(sfa.Page.GetByAltText("QR code of the Mirror link")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^data:image/gif;base64,"));
        var link = await sfa.MirrorLink.GetAttributeAsync("href");

        var byLink = await ConsolePage.OpenAsync(linkContext, link!);

        await Expect(byLink.Page.Locator("#mirror-status")).ToContainTextAsync("Waiting for the salesperson");
        await Expect(sfa.Waiting).ToHaveCountAsync(1);
        await Expect(sfa.Waiting).ToContainTextAsync("came by your link");
        await Expect(sfa.Waiting.Locator(".pairing-code")).ToHaveTextAsync(SixDigits);
        await sfa.Waiting.GetByRole(AriaRole.Button, new() { Name = "Admit" }).ClickAsync();
        await Expect(byLink.CustomerCard.Locator(".title")).ToHaveTextAsync("Ada Lovelace");
        await Expect(sfa.Waiting).ToHaveCountAsync(0);

        var byCode = await ConsolePage.OpenAsync(codeContext);
        await byCode.JoinAsync(code);

        var digits = byCode.Page.Locator("#mirror-pairing-code");
        await Expect(digits).ToHaveTextAsync(SixDigits);
        await Expect(sfa.Waiting).ToHaveCountAsync(1);
        await Expect(sfa.Waiting.Locator(".pairing-code")).ToHaveTextAsync(await digits.InnerTextAsync());
        await Expect(sfa.Waiting).ToContainTextAsync("compare with the Mirror");
        await sfa.Waiting.GetByRole(AriaRole.Button, new() { Name = "Admit" }).ClickAsync();
        await Expect(byCode.CustomerCard.Locator(".title")).ToHaveTextAsync("Ada Lovelace");
        await Expect(sfa.Members).ToHaveTextAsync("3");
    }
}
