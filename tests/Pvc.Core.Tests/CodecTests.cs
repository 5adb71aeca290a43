using System.Net;
using Pvc.Core.Errors;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Testing.Pvc;

namespace Pvc.Core.Tests;

public sealed class CodecTests
{
    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData(" 2001:db8::1 ", "2001:db8::1")]
    [InlineData("None", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("10.0.0.0/24", null)]
    [InlineData("not-an-ip", null)]
    public void Addresses(string? text, string? expected) =>
        Assert.Equal(expected is null ? null : IPAddress.Parse(expected), PvcAddress.DecodeAddress(text));

    [Theory]
    [InlineData("10.0.0.0/24", "10.0.0.0/24")]
    [InlineData("10.0.0.1/24", "10.0.0.0/24")]
    [InlineData("2001:db8:100::/64", "2001:db8:100::/64")]
    [InlineData("None", null)]
    [InlineData("", null)]
    [InlineData("10.0.0.0", null)]
    [InlineData("10.0.0.0/33", null)]
    [InlineData("10.0.0.0/x", null)]
    public void Networks(string? text, string? expected) =>
        Assert.Equal(expected is null ? null : IPNetwork.Parse(expected), PvcAddress.DecodeNetwork(text));

    [Fact]
    public void Json_fields_are_read_tolerantly()
    {
        var o = PvcJson.ParseObject("""{"n": 5, "s": "7", "f": 1.5, "p": "|", "b": 1, "t": "true", "x": "maybe", "l": ["a", 2, "b"], "z": null}""")!.Value;
        Assert.Equal(5, PvcJson.Long(o, "n"));
        Assert.Equal(7, PvcJson.Long(o, "s"));
        Assert.Equal(1, PvcJson.Long(o, "f"));
        Assert.Equal(1.5, PvcJson.Double(o, "f"));
        Assert.Null(PvcJson.Long(o, "p"));
        Assert.Null(PvcJson.Text(o, "p"));
        Assert.True(PvcJson.IsPlaceholder(o, "p"));
        Assert.True(PvcJson.Bool(o, "b"));
        Assert.True(PvcJson.Bool(o, "t"));
        Assert.Null(PvcJson.Bool(o, "x"));
        Assert.Null(PvcJson.Bool(o, "p"));
        Assert.Equal(["a", "b"], PvcJson.TextList(o, "l"));
        Assert.Null(PvcJson.Text(o, "z"));
        Assert.Null(PvcJson.Text(o, "missing"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("None")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("{broken")]
    public void Documents_that_are_not_objects_read_as_null(string text)
    {
        Assert.Null(PvcJson.ParseObject(text));
        Assert.Null(OsdStats.Parse(text));
        Assert.Null(PoolStats.Parse(text));
        Assert.Null(RbdImageInfo.Parse(text));
    }

    [Fact]
    public void An_rbd_info_text_parsed_again_gives_an_equal_record_of_its_own()
    {
        // RbdImageInfo.Parse answers a text it has parsed before from its memo (issue 14's Get-PvcVolume benchmark)
        var text = $$"""{"name":"memo{{Guid.NewGuid():N}}","size":21474836480,"features":["layering"],"create_timestamp":"Thu Jan  4 10:00:00 2024"}""";
        var first = RbdImageInfo.Parse(text)!;
        var again = RbdImageInfo.Parse(new string(text.AsSpan()))!;
        Assert.Equal(21474836480, again.SizeBytes);
        Assert.Equal(["layering"], again.Features);
        Assert.Equal(new DateTime(2024, 1, 4, 10, 0, 0), again.Created);
        Assert.Equal(first, again);
        Assert.NotSame(first, again);
        Assert.Null(RbdImageInfo.Parse("None"));
        Assert.Null(RbdImageInfo.Parse(null));
    }

    [Fact]
    public void Wire_values_of_the_new_enums()
    {
        Assert.Equal(NetworkType.Managed, Wire.NetworkType.Decode("managed"));
        Assert.Equal(NetworkType.Unknown, Wire.NetworkType.Decode("None"));
        Assert.Equal(PoolTier.Nvme, Wire.PoolTier.Decode("nvme"));
        Assert.Equal(PoolTier.Default, Wire.PoolTier.Decode(""));
        Assert.Equal("out", Wire.FirewallDirection.Encode(FirewallDirection.Out));
    }

    [Theory]
    [InlineData("web", "myweb1", true)]
    [InlineData("^web", "myweb1", false)]
    [InlineData("web$", "web1", false)]
    [InlineData("^web$", "web", true)]
    [InlineData("a|b", "xbx", false)]    // as PVC: ".*a|b.*" is not grouped, so neither side fully matches
    [InlineData("a|b", "xa", true)]
    [InlineData(null, "anything", true)]
    [InlineData("", "anything", true)]
    public void Limits_are_pvc_fuzzy_full_matches(string? limit, string name, bool expected) =>
        Assert.Equal(expected, Reading.LimitPattern.Of(limit).IsMatch(name));

    [Fact]
    public void A_malformed_limit_is_invalid() =>
        Assert.Equal("InvalidLimit", PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => Reading.LimitPattern.Of("(")).ErrorId);
}
