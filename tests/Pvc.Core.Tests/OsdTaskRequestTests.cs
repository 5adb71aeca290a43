using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.Core.Tests;

/// <summary>
/// osd.replace's and osd.add_db_vg's arguments as the node reads them back from a task record: what the cmdlets write
/// comes back the same, and a record written past them (an option for a device, a path outside /dev, a weight that is
/// none, a missing or mistyped field) is refused before any tool runs.
/// </summary>
public sealed class OsdTaskRequestTests
{
    [Fact]
    public void A_replace_request_round_trips_through_its_arguments_with_PVCs_names()
    {
        var full = new OsdReplaceRequest(7, "detect:INTEL:480GB:1", "/dev/sdb", 0.9);
        var args = full.ToArguments();
        Assert.Equal(["osd_id", "new_device", "old_device", "weight"], args.Select(p => p.Key));
        var back = OsdReplaceRequest.FromArguments(JsonNode.Parse(args.ToJsonString())!.AsObject());
        Assert.Equal((7, "detect:INTEL:480GB:1", "/dev/sdb", (double?)0.9), (back.Id, back.NewDevice.Text, back.OldDevice?.Text, back.Weight));

        var bare = OsdReplaceRequest.FromArguments(JsonNode.Parse(new OsdReplaceRequest(3, "/dev/sdf").ToArguments().ToJsonString())!.AsObject());
        Assert.Equal((3, "/dev/sdf", (string?)null, (double?)null), (bare.Id, bare.NewDevice.Text, bare.OldDevice?.Text, bare.Weight));

        var vg = OsdDbVolumeGroupRequest.FromArguments(JsonNode.Parse(new OsdDbVolumeGroupRequest("/dev/nvme0n1").ToArguments().ToJsonString())!.AsObject());
        Assert.Equal("/dev/nvme0n1", vg.Device.Text);
    }

    [Theory]
    [InlineData("""{"osd_id": 3, "new_device": "--yes"}""", PvcErrorIds.InvalidOsdDevice)]
    [InlineData("""{"osd_id": 3, "new_device": "/etc/passwd"}""", PvcErrorIds.InvalidOsdDevice)]
    [InlineData("""{"osd_id": 3, "new_device": "/dev/../etc/passwd"}""", PvcErrorIds.InvalidOsdDevice)]
    [InlineData("""{"osd_id": 3, "new_device": "/dev/sdf", "old_device": "-rf"}""", PvcErrorIds.InvalidOsdDevice)]
    [InlineData("""{"osd_id": 3, "new_device": "/dev/sdf", "old_device": "detect:X:1GB:0"}""", PvcErrorIds.InvalidOsdDevice)]
    [InlineData("""{"osd_id": 3, "new_device": "/dev/sdf", "weight": "1; rm"}""", PvcErrorIds.InvalidOsdWeight)]
    [InlineData("""{"osd_id": 3, "new_device": "/dev/sdf", "weight": -2}""", PvcErrorIds.InvalidOsdWeight)]
    [InlineData("""{"osd_id": -1, "new_device": "/dev/sdf"}""", PvcErrorIds.InvalidTaskArguments)]
    [InlineData("""{"osd_id": "3", "new_device": "/dev/sdf"}""", PvcErrorIds.InvalidTaskArguments)]
    [InlineData("""{"osd_id": 3}""", PvcErrorIds.InvalidTaskArguments)]
    public void A_replace_record_written_past_the_cmdlet_is_refused(string json, string errorId)
    {
        var e = Assert.Throws<PvcException>(() => OsdReplaceRequest.FromArguments(JsonNode.Parse(json)!.AsObject()));
        Assert.Equal(errorId, e.ErrorId);
    }

    [Theory]
    [InlineData("""{"device": "--force"}""", PvcErrorIds.InvalidOsdDevice)]
    [InlineData("""{"device": "/dev/shm/x"}""", PvcErrorIds.InvalidOsdDevice)]
    [InlineData("""{"device": 5}""", PvcErrorIds.InvalidTaskArguments)]
    [InlineData("""{}""", PvcErrorIds.InvalidTaskArguments)]
    public void A_db_volume_group_record_written_past_the_cmdlet_is_refused(string json, string errorId)
    {
        var e = Assert.Throws<PvcException>(() => OsdDbVolumeGroupRequest.FromArguments(JsonNode.Parse(json)!.AsObject()));
        Assert.Equal(errorId, e.ErrorId);
    }
}
