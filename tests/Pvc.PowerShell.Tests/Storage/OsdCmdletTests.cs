using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests.Storage;

/// <summary>
/// The OSD cmdlets against a seeded cluster in a real ZooKeeper: listing, the refusals made before any task exists, and
/// where the tasks they submit are routed (the work itself: Pvc.NodeService.Tests' OsdWorkTests in the Ceph lab).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class OsdCmdletTests(ZooKeeperFixture zk)
{
    private static async Task<SeededCluster> StartAsync(ZooKeeperFixture zk)
    {
        var c = await SeededCluster.StartAsync(zk);
        await PvcSeed.Batch(c.Raw)
            .AddOsd(3, "hv1", "/dev/sdb", "", "False", PvcSeed.PlaceholderOsdStats)
            .AddOsd(4, "hv2", "/dev/sdc", "", "False", PvcSeed.PlaceholderOsdStats)
            .CommitAsync();
        // hv1 is the primary coordinator: the tasks without a node of their own go there
        await c.Raw.SetDataAsync(BaseKeys.PrimaryNode, "hv1"u8.ToArray());
        return c;
    }

    [Fact]
    public async Task Get_PvcOsd_lists_filters_and_answers_whether_an_OSD_exists()
    {
        await using var c = await StartAsync(zk);
        Assert.Equal([3, 4], c.Ps.Run("Get-PvcOsd").ThrowIfErrors().OutputOf<Osd>().Select(o => o.Id));
        Assert.Equal([4], c.Ps.Run("Get-PvcOsd -Node hv2").ThrowIfErrors().OutputOf<Osd>().Select(o => o.Id));
        Assert.Equal("OsdNotFound,Pvc.PowerShell.Cmdlets.GetPvcOsdCommand", Assert.Single(c.Ps.Run("Get-PvcOsd 99").Errors).FullyQualifiedErrorId);
        var text = c.Ps.Render("Get-PvcOsd").ThrowIfErrors().HostText;
        Assert.Contains(text.Split('\n'), l => l.TrimStart().StartsWith("3 hv1", StringComparison.Ordinal) && l.Contains("/dev/sdb", StringComparison.Ordinal) && l.Contains('?', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Add-PvcOsd hv1 sdb", "InvalidOsdDevice,Pvc.PowerShell.Cmdlets.AddPvcOsdCommand")]
    [InlineData("Add-PvcOsd hv1 '/dev/../etc/passwd'", "InvalidOsdDevice,Pvc.PowerShell.Cmdlets.AddPvcOsdCommand")]
    [InlineData("Add-PvcOsd hv1 /dev/shm/disk", "InvalidOsdDevice,Pvc.PowerShell.Cmdlets.AddPvcOsdCommand")]
    [InlineData("Add-PvcOsd hv1 /dev/mqueue/disk", "InvalidOsdDevice,Pvc.PowerShell.Cmdlets.AddPvcOsdCommand")]
    [InlineData("Add-PvcOsd hv1 /dev/sdd -Weight -1", "InvalidOsdWeight,Pvc.PowerShell.Cmdlets.AddPvcOsdCommand")]
    [InlineData("Add-PvcOsd hv9 /dev/sdd", "NodeNotFound,Pvc.PowerShell.Cmdlets.AddPvcOsdCommand")]
    [InlineData("Remove-PvcOsd 99", "OsdNotFound,Pvc.PowerShell.Cmdlets.RemovePvcOsdCommand")]
    [InlineData("Set-PvcOsd 99 -Out", "OsdNotFound,Pvc.PowerShell.Cmdlets.SetPvcOsdCommand")]
    [InlineData("Update-PvcOsd 3 sdb", "InvalidOsdDevice,Pvc.PowerShell.Cmdlets.UpdatePvcOsdCommand")]
    [InlineData("Update-PvcOsd 99 /dev/sdb", "OsdNotFound,Pvc.PowerShell.Cmdlets.UpdatePvcOsdCommand")]
    [InlineData("Switch-PvcOsdDevice 3 sdd", "InvalidOsdDevice,Pvc.PowerShell.Cmdlets.SwitchPvcOsdDeviceCommand")]
    [InlineData("Switch-PvcOsdDevice 3 /dev/shm/disk", "InvalidOsdDevice,Pvc.PowerShell.Cmdlets.SwitchPvcOsdDeviceCommand")]
    [InlineData("Switch-PvcOsdDevice 3 /dev/sdd -OldDevice detect:INTEL:480GB:0", "InvalidOsdDevice,Pvc.PowerShell.Cmdlets.SwitchPvcOsdDeviceCommand")]
    [InlineData("Switch-PvcOsdDevice 3 /dev/sdd -Weight -1", "InvalidOsdWeight,Pvc.PowerShell.Cmdlets.SwitchPvcOsdDeviceCommand")]
    [InlineData("Switch-PvcOsdDevice 99 /dev/sdd", "OsdNotFound,Pvc.PowerShell.Cmdlets.SwitchPvcOsdDeviceCommand")]
    [InlineData("New-PvcOsdDbVolumeGroup hv1 sdd", "InvalidOsdDevice,Pvc.PowerShell.Cmdlets.NewPvcOsdDbVolumeGroupCommand")]
    [InlineData("New-PvcOsdDbVolumeGroup hv1 '/dev/../etc/passwd'", "InvalidOsdDevice,Pvc.PowerShell.Cmdlets.NewPvcOsdDbVolumeGroupCommand")]
    [InlineData("New-PvcOsdDbVolumeGroup hv9 /dev/sdd", "NodeNotFound,Pvc.PowerShell.Cmdlets.NewPvcOsdDbVolumeGroupCommand")]
    public async Task A_bad_request_is_an_error_record_and_no_task_is_made(string command, string errorId)
    {
        await using var c = await StartAsync(zk);
        var result = c.Ps.Run(command + " -NoWait -Confirm:$false");
        Assert.Equal(errorId, Assert.Single(result.Errors).FullyQualifiedErrorId);
        Assert.Empty(c.Ps.Run("Get-PvcTask").ThrowIfErrors().OutputOf<ClusterTask>());
    }

    [Fact]
    public async Task An_OSD_replace_goes_to_the_OSDs_node_and_a_DB_volume_group_to_the_node_named_with_PVCs_arguments()
    {
        await using var c = await StartAsync(zk);
        var replace = Assert.Single(c.Ps.Run("Get-PvcOsd 4 | Switch-PvcOsdDevice -NewDevice /dev/sdf -NoWait -Confirm:$false").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Equal((ClusterTaskKinds.OsdReplace, "hv2"), (replace.Kind, replace.RunOn));
        Assert.Equal((4L, "/dev/sdf"), (replace.Arguments["osd_id"]!.GetValue<long>(), replace.Arguments["new_device"]!.GetValue<string>()));
        Assert.Null(replace.Arguments["weight"]);
        Assert.Null(replace.Arguments["old_device"]);
        var weighted = Assert.Single(c.Ps.Run("Switch-PvcOsdDevice 3 detect:INTEL:480GB:1 -OldDevice /dev/sdb -Weight 0.9 -NoWait -Confirm:$false").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Equal("hv1", weighted.RunOn);
        Assert.Equal(("detect:INTEL:480GB:1", "/dev/sdb", 0.9), (weighted.Arguments["new_device"]!.GetValue<string>(), weighted.Arguments["old_device"]!.GetValue<string>(), weighted.Arguments["weight"]!.GetValue<double>()));

        var vg = Assert.Single(c.Ps.Run("New-PvcOsdDbVolumeGroup hv2 /dev/nvme0n1 -NoWait -Confirm:$false").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Equal((ClusterTaskKinds.OsdAddDbVg, "hv2"), (vg.Kind, vg.RunOn));
        Assert.Equal("/dev/nvme0n1", vg.Arguments["device"]!.GetValue<string>());

        Assert.Empty(c.Ps.Run("Switch-PvcOsdDevice 3 /dev/sdg -WhatIf").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Empty(c.Ps.Run("New-PvcOsdDbVolumeGroup hv1 /dev/sdg -WhatIf").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Equal(3, c.Ps.Run("Get-PvcTask").ThrowIfErrors().OutputOf<ClusterTask>().Count);
        // both destroy a disk's data: ConfirmImpact High, so they ask at PowerShell's default preference
        foreach (var name in new[] { "Switch-PvcOsdDevice", "New-PvcOsdDbVolumeGroup" })
        {
            var info = c.Ps.Run($"Get-Command {name}").ThrowIfErrors().OutputOf<System.Management.Automation.CmdletInfo>().Single();
            var attribute = (System.Management.Automation.CmdletAttribute)Attribute.GetCustomAttribute(info.ImplementingType, typeof(System.Management.Automation.CmdletAttribute))!;
            Assert.Equal(System.Management.Automation.ConfirmImpact.High, attribute.ConfirmImpact);
        }
    }

    [Fact]
    public async Task An_unknown_flag_is_refused_while_binding()
    {
        await using var c = await StartAsync(zk);
        var error = Assert.Single(c.Ps.Run("Set-PvcOsdFlag nosuchflag -NoWait").Errors);
        Assert.StartsWith("CannotConvertArgument", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OSD_tasks_go_to_the_OSDs_node_or_the_primary_with_PVCs_arguments()
    {
        await using var c = await StartAsync(zk);
        var add = Assert.Single(c.Ps.Run("Add-PvcOsd hv2 /dev/sdd -Weight 1.5 -NoWait -Confirm:$false").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Equal((ClusterTaskKinds.OsdAdd, "hv2"), (add.Kind, add.RunOn));
        Assert.Equal("/dev/sdd", add.Arguments["device"]!.GetValue<string>());
        Assert.Equal(1.5, add.Arguments["weight"]!.GetValue<double>());

        var remove = Assert.Single(c.Ps.Run("Get-PvcOsd 4 | Remove-PvcOsd -NoWait -Confirm:$false").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Equal((ClusterTaskKinds.OsdRemove, "hv2"), (remove.Kind, remove.RunOn));
        Assert.Equal(4, remove.Arguments["osd_id"]!.GetValue<long>());

        var @out = Assert.Single(c.Ps.Run("Set-PvcOsd 3 -Out -NoWait").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Equal((ClusterTaskKinds.OsdOut, "hv1"), (@out.Kind, @out.RunOn));
        var flag = Assert.Single(c.Ps.Run("Set-PvcOsdFlag NoOut -NoWait").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Equal((ClusterTaskKinds.OsdSet, "noout"), (flag.Kind, flag.Arguments["flag"]!.GetValue<string>()));

        var refresh = Assert.Single(c.Ps.Run("Get-PvcOsd 4 | Update-PvcOsd -NoWait").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Equal((ClusterTaskKinds.OsdRefresh, "hv2", true), (refresh.Kind, refresh.RunOn, refresh.NodeBound));
        Assert.Equal((4L, "/dev/sdc"), (refresh.Arguments["osd_id"]!.GetValue<long>(), refresh.Arguments["device"]!.GetValue<string>()));

        Assert.Empty(c.Ps.Run("Remove-PvcOsd 3 -WhatIf").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Empty(c.Ps.Run("Update-PvcOsd 3 /dev/sdb -WhatIf").ThrowIfErrors().OutputOf<ClusterTask>());
        Assert.Equal(5, c.Ps.Run("Get-PvcTask").ThrowIfErrors().OutputOf<ClusterTask>().Count);
    }
}
