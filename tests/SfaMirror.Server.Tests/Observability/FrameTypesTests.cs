using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Tests.Observability;

public sealed class FrameTypesTests
{
    [Fact]
    public void Type_of_every_encoded_frame_is_read_back()
    {
        Assert.Equal(MessageTypes.ViewCustomer, FrameTypes.Of(FrameEncoder.State(StateKind.Customer, "ABCDEF", 1, "{}"u8)));
        Assert.Equal(MessageTypes.ViewProduct, FrameTypes.Of(FrameEncoder.State(StateKind.Product, "ABCDEF", 2, "null"u8)));
        Assert.Equal(MessageTypes.SessionCreated, FrameTypes.Of(FrameEncoder.SessionCreated("ABCDEF", "token", "n-m", default)));
        Assert.Equal(MessageTypes.SessionJoined, FrameTypes.Of(FrameEncoder.SessionJoined("ABCDEF", MemberRole.Viewer, 2, "n-m", false, default)));
        Assert.Equal(MessageTypes.PeerJoined, FrameTypes.Of(FrameEncoder.PeerJoined("ABCDEF", MemberRole.Viewer, 2, "n-m")));
        Assert.Equal(MessageTypes.PeerLeft, FrameTypes.Of(FrameEncoder.PeerLeft("ABCDEF", MemberRole.Host, 1, LeaveReason.Left, "n-m")));
        Assert.Equal(MessageTypes.SessionLeft, FrameTypes.Of(FrameEncoder.SessionLeft("ABCDEF", default)));
        Assert.Equal(MessageTypes.SessionEnded, FrameTypes.Of(FrameEncoder.SessionEnded("ABCDEF", EndReason.Expired, default)));
        Assert.Equal(MessageTypes.Ack, FrameTypes.Of(FrameEncoder.AckDelivered("ABCDEF", 1, "1"u8)));
        Assert.Equal(MessageTypes.Pong, FrameTypes.Of(FrameEncoder.Pong(default, default)));
        Assert.Equal(MessageTypes.Error, FrameTypes.Of(FrameEncoder.Error(ErrorCodes.InvalidJson, "x", null, default)));
    }

    [Fact]
    public void Frame_not_made_by_the_encoder_counts_as_other()
    {
        Assert.Equal("OTHER", FrameTypes.Of("{\"type\":\"SOMETHING_ELSE\"}"u8));
        Assert.Equal("OTHER", FrameTypes.Of("[]"u8));
    }
}
