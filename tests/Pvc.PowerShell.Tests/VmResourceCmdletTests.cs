using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// Set-PvcVm -VCpu/-Topology/-Memory (PVC's vm vcpu set and vm memory set), Export-PvcVmXml (vm dump), and the typed
/// vCPU, memory, disk and NIC properties of Get-PvcVm with their views, on the seeded cluster (web1 runs on hv1, db1 is
/// stopped on hv2; every node has 16 CPUs).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class VmResourceCmdletTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task VCpu_Topology_and_Memory_change_the_stored_XML_and_warn_while_the_VM_runs_the_old_one()
    {
        await using var c = await SeededCluster.StartAsync(zk);

        var whatIf = c.Ps.Run("Set-PvcVm web1 -VCpu 4 -WhatIf").ThrowIfErrors();
        Assert.Contains("What if: Performing the operation \"Change vCPUs/memory\" on target \"web1\"", whatIf.HostText, StringComparison.Ordinal);
        Assert.Equal(2, c.Ps.Run("(Get-PvcVm web1).Vcpus").ThrowIfErrors().OutputOf<int>().Single());

        var changed = c.Ps.Run("Set-PvcVm web1 -VCpu 4 -Topology 2,2,1 -Memory 2GB -PassThru").ThrowIfErrors();
        var vm = changed.OutputOf<Vm>().Single();
        Assert.Equal((4, new VcpuTopology(2, 2, 1), 2048L, "start"), (vm.Vcpus, vm.Topology, vm.MemoryMiB, await c.StateAsync("web1")));
        Assert.Contains("runs with its old vCPUs and memory until it restarts", Assert.Single(changed.Warnings).Message, StringComparison.Ordinal);

        // -Restart: the restart is written with the change; a stopped VM is not started and gets no warning
        var restarted = c.Ps.Run("Set-PvcVm web1 -Memory '3072M' -Restart").ThrowIfErrors();
        Assert.Empty(restarted.Warnings);
        Assert.Equal("restart", await c.StateAsync("web1"));
        var stopped = c.Ps.Run("Get-PvcVm db1 | Set-PvcVm -VCpu 6 -Restart -PassThru").ThrowIfErrors();
        Assert.Equal((6, new VcpuTopology(1, 6, 1)), (stopped.OutputOf<Vm>().Single().Vcpus, stopped.OutputOf<Vm>().Single().Topology));
        Assert.Equal("stop", await c.StateAsync("db1"));
        Assert.Empty(stopped.Warnings);
    }

    [Fact]
    public async Task Resources_and_metadata_in_one_command_are_refused_as_two_changes()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var before = await c.ReadAsync($"/domains/{c.Vms["db1"]}/xml");
        var mixed = c.Ps.Run("Set-PvcVm db1 -VCpu 2 -Autostart $true");
        var error = Assert.Single(mixed.Errors);
        Assert.Equal(("MixedChange,Pvc.PowerShell.Cmdlets.SetPvcVmCommand", ErrorCategory.InvalidArgument), (error.FullyQualifiedErrorId, error.CategoryInfo.Category));
        Assert.Equal((before, "False"), (await c.ReadAsync($"/domains/{c.Vms["db1"]}/xml"), await c.ReadAsync($"/domains/{c.Vms["db1"]}/node_autostart")));
    }

    [Fact]
    public async Task Export_PvcVmXml_writes_the_stored_XML_to_the_pipeline_or_a_file()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var stored = await c.ReadAsync($"/domains/{c.Vms["db1"]}/xml");
        Assert.Equal([stored], c.Ps.Run("Export-PvcVmXml db1").ThrowIfErrors().OutputOf<string>());

        var directory = Directory.CreateTempSubdirectory("pvc-dump-");
        try
        {
            var file = Path.Combine(directory.FullName, "db1.xml");
            Assert.Empty(c.Ps.Run("Get-PvcVm db1 | Export-PvcVmXml -Path $args[0]", file).ThrowIfErrors().Output);
            Assert.Equal(stored, await File.ReadAllTextAsync(file));

            // an existing file is kept unless -Force
            var exists = Assert.Single(c.Ps.Run("Export-PvcVmXml web1 $args[0]", file).Errors);
            Assert.Equal(("FileExists,Pvc.PowerShell.Cmdlets.ExportPvcVmXmlCommand", ErrorCategory.ResourceExists), (exists.FullyQualifiedErrorId, exists.CategoryInfo.Category));
            Assert.Equal(stored, await File.ReadAllTextAsync(file));
            c.Ps.Run("Export-PvcVmXml web1 $args[0] -Force", file).ThrowIfErrors();
            Assert.Equal(await c.ReadAsync($"/domains/{c.Vms["web1"]}/xml"), await File.ReadAllTextAsync(file));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Disks_and_NICs_are_typed_and_shown_as_pvc_vm_volume_get_and_network_get_show_them()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var disks = c.Ps.Run("(Get-PvcVm web1).Disks").ThrowIfErrors().OutputOf<VmDisk>();
        Assert.Equal([new VmDisk("rbd", "vms/web1_sda", "sda", "scsi")], disks);
        var nic = c.Ps.Run("(Get-PvcVm web1).Nics").ThrowIfErrors().OutputOf<VmNic>().Single();
        Assert.Equal(("bridge", "vmbr100", "virtio", 100), (nic.Type, nic.Source, nic.Model, nic.Vni));

        var diskTable = Plain(c.Ps.Render("(Get-PvcVm web1).Disks").ThrowIfErrors().HostText);
        Assert.Contains(diskTable, l => l.StartsWith("Volume", StringComparison.Ordinal) && l.Contains("Dev", StringComparison.Ordinal) && l.Contains("Bus", StringComparison.Ordinal));
        Assert.Contains(diskTable, l => l.StartsWith("vms/web1_sda", StringComparison.Ordinal) && l.Contains(" sda ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("scsi", StringComparison.Ordinal));
        var nicTable = Plain(c.Ps.Render("(Get-PvcVm web1).Nics").ThrowIfErrors().HostText);
        Assert.Contains(nicTable, l => l.StartsWith("Network", StringComparison.Ordinal) && l.Contains("MAC Address", StringComparison.Ordinal));
        Assert.Contains(nicTable, l => l.StartsWith("100 ", StringComparison.Ordinal) && l.Contains(nic.Mac!, StringComparison.Ordinal));
        Assert.Contains(Plain(c.Ps.Render("Get-PvcVm web1 | Format-List").ThrowIfErrors().HostText), l => l.StartsWith("Topology", StringComparison.Ordinal) && l.TrimEnd().EndsWith(": 1,2,1", StringComparison.Ordinal));
    }

    /// <summary>The rendered lines without the host's colour escapes.</summary>
    private static string[] Plain(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\u001b\\[[0-9;]*m", "").Split('\n');

    [Fact]
    public async Task Add_and_Remove_PvcVmVolume_change_the_VMs_disks_and_warn_while_it_runs_the_old_definition()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        await Testing.Pvc.PvcSeed.Batch(c.Raw).AddPool("vms", "64", "ssd").AddVolume("vms", "web1_sdb").CommitAsync();

        var added = c.Ps.Run("Add-PvcVmVolume web1 vms/web1_sdb -NoLive -PassThru").ThrowIfErrors();
        Assert.Equal(["sda", "sdb"], added.OutputOf<Vm>().Single().Disks.Select(d => d.Target));
        Assert.Contains("sees the volume vms/web1_sdb after it restarts", Assert.Single(added.Warnings).Message, StringComparison.Ordinal);

        var again = Assert.Single(c.Ps.Run("Add-PvcVmVolume web1 vms/web1_sdb").Errors);
        Assert.Equal(("VolumeAlreadyAttached,Pvc.PowerShell.Cmdlets.AddPvcVmVolumeCommand", ErrorCategory.InvalidOperation), (again.FullyQualifiedErrorId, again.CategoryInfo.Category));

        var removed = c.Ps.Run("Remove-PvcVmVolume web1 vms/web1_sdb -Restart -Confirm:$false -PassThru").ThrowIfErrors();
        Assert.Equal(["sda"], removed.OutputOf<Vm>().Single().Disks.Select(d => d.Target));
        Assert.Equal("restart", await c.StateAsync("web1"));
        var missing = Assert.Single(c.Ps.Run("Remove-PvcVmVolume web1 vms/web1_sdb -Confirm:$false").Errors);
        Assert.Equal(("VolumeNotAttached,Pvc.PowerShell.Cmdlets.RemovePvcVmVolumeCommand", ErrorCategory.ObjectNotFound), (missing.FullyQualifiedErrorId, missing.CategoryInfo.Category));
    }
}
