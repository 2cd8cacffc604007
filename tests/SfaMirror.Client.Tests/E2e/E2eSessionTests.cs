using System.Text.Json;
using SfaMirror.Client.E2e;
using SfaMirror.Client.Events;

namespace SfaMirror.Client.Tests.E2e;

/// <summary>A host's and a viewer's end-to-end state talking to each other without a relay.</summary>
public sealed class E2eSessionTests
{
    private const string Code = "K7Q2ZP";

    [Fact]
    public void Offer_and_answer_give_both_sides_the_same_digits_and_the_key_opens_the_state()
    {
        var host = E2eSession.ForHost(Code);
        var viewer = E2eSession.ForViewer(Code, null, null);

        var answer = viewer.OnOffer("host-1", host.Offer("viewer-1"));
        var paired = host.OnAnswer("viewer-1", answer.Reply!.Value)!;
        Assert.Equal(answer.Comparison, paired.Comparison);
        Assert.Matches("^[0-9]{6}$", paired.Comparison);
        Assert.False(paired.ViaLink);

        using var customer = JsonDocument.Parse("""{"name":"Ada"}""");
        var sealedPayload = host.Seal(StateKind.Customer, customer.RootElement);
        Assert.Null(viewer.Open(StateKind.Customer, sealedPayload, 1)); // held: no key yet
        var opened = Assert.Single(viewer.OnKey("host-1", host.Admitted("viewer-1")!.Value));
        Assert.True(opened.IsOpen);
        Assert.Equal("""{"name":"Ada"}""", opened.Payload.GetRawText());
    }

    [Fact]
    public void A_state_sealed_as_customer_does_not_open_as_product()
    {
        var host = E2eSession.ForHost(Code);
        var viewer = Paired(host, "viewer-1");
        using var customer = JsonDocument.Parse("""{"name":"Ada"}""");

        var opened = viewer.Open(StateKind.Product, host.Seal(StateKind.Customer, customer.RootElement), 1)!;

        Assert.False(opened.IsOpen);
    }

    [Fact]
    public void After_a_rekey_the_kicked_viewer_cannot_open_and_the_other_can()
    {
        var host = E2eSession.ForHost(Code);
        var kept = Paired(host, "viewer-1");
        var kicked = Paired(host, "viewer-2");

        var signals = host.Rekey("viewer-2");
        var (to, keySignal) = Assert.Single(signals);
        Assert.Equal("viewer-1", to);
        kept.OnKey("host-1", keySignal);
        using var customer = JsonDocument.Parse("""{"name":"Grace"}""");
        var sealedPayload = host.Seal(StateKind.Customer, customer.RootElement);

        Assert.Equal(1, sealedPayload.GetProperty("g").GetInt64());
        Assert.True(kept.Open(StateKind.Customer, sealedPayload, 2)!.IsOpen);
        Assert.False(kicked.Open(StateKind.Customer, sealedPayload, 2, hold: false)!.IsOpen);
        Assert.Throws<FormatException>(() => kicked.OnKey("host-1", keySignal)); // sealed for the other pairing
    }

    [Fact]
    public void A_viewer_with_the_link_key_sends_a_proof_the_host_accepts()
    {
        var host = E2eSession.ForHost(Code);
        var (key, generation) = host.LinkSecret()!.Value;
        var viewer = E2eSession.ForViewer(Code, E2eCrypto.FromBase64Url(key), generation);
        var stranger = E2eSession.ForViewer(Code, E2eCrypto.NewContentKey(), 0);

        var answer = viewer.OnOffer("host-1", host.Offer("viewer-1"));
        var strangerAnswer = stranger.OnOffer("host-1", host.Offer("viewer-2"));

        Assert.True(answer.ViaLink);
        Assert.True(host.OnAnswer("viewer-1", answer.Reply!.Value)!.ViaLink);
        Assert.False(host.OnAnswer("viewer-2", strangerAnswer.Reply!.Value)!.ViaLink);
        using var customer = JsonDocument.Parse("""{"name":"Ada"}""");
        Assert.True(viewer.Open(StateKind.Customer, host.Seal(StateKind.Customer, customer.RootElement), 1)!.IsOpen);
    }

    private static E2eSession Paired(E2eSession host, string memberId)
    {
        var viewer = E2eSession.ForViewer(Code, null, null);
        var answer = viewer.OnOffer("host-1", host.Offer(memberId));
        host.OnAnswer(memberId, answer.Reply!.Value);
        viewer.OnKey("host-1", host.Admitted(memberId)!.Value);
        return viewer;
    }
}
