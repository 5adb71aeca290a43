using System.Text.Json;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.Testing.Ceph;
using Pvc.Testing.Lab;
using Pvc.Testing.PowerShell;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// Unlock-PvcVmDisk (PVC's <c>vm flush-locks</c>) end to end: the cmdlet, the <c>vm.flush_locks</c> task run by the VM's
/// real node service, and the locks of a real Ceph cluster, set and read back with the rbd tool.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class UnlockPvcVmDiskTests(ZooKeeperFixture zk) : IAsyncLifetime
{
    private CephLab? _ceph;
    private LabCluster? _lab;
    private PowerShellSession? _ps;
    private string _pool = "";

    private CephLab Ceph => _ceph!;
    private LabCluster Lab => _lab!;
    private PowerShellSession Ps => _ps!;

    public async Task InitializeAsync()
    {
        _ceph = await CephLab.StartAsync();
        _pool = await Ceph.SharedPoolAsync();
        var chroot = await zk.NewChrootAsync("unlock");
        // each node reaches the Ceph lab as a PVC node does: ceph.conf and the admin keyring under path.ceph_directory
        _lab = await LabCluster.StartAsync(chroot, new LabClusterOptions
        {
            NodeCount = 2,
            ExtraNodeConfig = $"""
                path:
                  ceph_directory: "{Ceph.Directory}"
                ceph:
                  ceph_config_file: {Path.GetFileName(Ceph.ConfigPath)}
                  ceph_keyring_file: {Path.GetFileName(Ceph.AdminKeyringPath)}
                """,
        });
        await Lab.WaitReadyAsync();
        _ps = PowerShellSession.Open();
        Ps.Run("Connect-PvcCluster $args[0] | Out-Null", chroot).ThrowIfErrors();
    }

    public async Task DisposeAsync()
    {
        _ps?.Run("Disconnect-PvcCluster");
        _ps?.Dispose();
        if (_lab is not null)
            await _lab.DisposeAsync();
        if (_ceph is not null)
            await _ceph.DisposeAsync();
    }

    /// <summary>A stopped VM on <paramref name="node"/> whose one disk is a new volume, locked by two other clients.</summary>
    private async Task<(Vm Vm, string Spec)> LockedVmAsync(string name, string node)
    {
        var spec = $"{_pool}/{CephLabFixture.UniqueName(name + "_sda")}";
        await Ceph.RbdAsync(["create", "--size", "64M", spec]);
        // each rbd process is a client of its own: two holders, as a QEMU on a dead node and a stray tool could be
        await Ceph.RbdAsync(["lock", "add", "--shared", "pvc", spec, "hv-dead"]);
        await Ceph.RbdAsync(["lock", "add", "--shared", "pvc", spec, "stray"]);
        var path = Path.Combine(Lab.Directory, $"{name}.xml");
        await File.WriteAllTextAsync(path, PvcSeed.Xml(Guid.NewGuid(), name, rbd: spec));
        var vm = Ps.Run("New-PvcVm -Path $args[0] -Node $args[1]", path, node).ThrowIfErrors().OutputOf<Vm>().Single();
        Assert.Equal(2, (await LockIdsAsync(spec)).Count);
        return (vm, spec);
    }

    private async Task<List<string>> LockIdsAsync(string spec)
    {
        using var json = JsonDocument.Parse(await Ceph.RbdAsync(["lock", "ls", "--format", "json", spec]));
        return [.. json.RootElement.EnumerateArray().Select(l => l.GetProperty("id").GetString()!).Order()];
    }

    [Fact]
    public async Task A_stopped_VMs_disk_locks_are_broken_by_a_task_on_its_node()
    {
        var (vm, spec) = await LockedVmAsync("unlock1", "hv2");

        var task = Ps.Run("Unlock-PvcVmDisk $args[0] -Confirm:$false", vm.Name).ThrowIfErrors().OutputOf<ClusterTask>().Single();

        Assert.Equal((ClusterTaskKinds.VmFlushLocks, ClusterTaskState.Success, "hv2"), (task.Kind, task.State, task.RunOn));
        Assert.Empty(await LockIdsAsync(spec));
        // the result names what was broken, as rbd lock ls showed it
        var volume = Assert.Single(task.Result!["volumes"]!.AsArray())!;
        Assert.Equal(spec, volume["volume"]!.GetValue<string>());
        Assert.Equal(["hv-dead", "stray"], volume["locks"]!.AsArray().Select(l => l!["cookie"]!.GetValue<string>()).Order());
        // again: nothing left to break is a success too
        task = Ps.Run("Unlock-PvcVmDisk $args[0] -Confirm:$false", vm.Name).ThrowIfErrors().OutputOf<ClusterTask>().Single();
        Assert.Empty(task.Result!["volumes"]![0]!["locks"]!.AsArray());
    }

    [Fact]
    public async Task A_running_VM_is_refused_and_keeps_its_locks_unless_forced()
    {
        var (vm, spec) = await LockedVmAsync("unlock2", "hv1");
        Ps.Run("Start-PvcVm $args[0] -Wait", vm.Name).ThrowIfErrors();
        var tasks = (await Lab.Connection.Tasks.ListAsync()).Count;

        var refused = Ps.Run("Unlock-PvcVmDisk $args[0] -Confirm:$false", vm.Name);
        var error = Assert.Single(refused.Errors);
        Assert.Equal("VmNotStopped,Pvc.PowerShell.Cmdlets.UnlockPvcVmDiskCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Empty(refused.Output);
        // no task was recorded, and the locks stand
        Assert.Equal(tasks, (await Lab.Connection.Tasks.ListAsync()).Count);
        Assert.Equal(["hv-dead", "stray"], await LockIdsAsync(spec));

        // -Force is PVC's force_unlock: whatever the state
        var task = Ps.Run("Unlock-PvcVmDisk $args[0] -Force -Confirm:$false", vm.Name).ThrowIfErrors().OutputOf<ClusterTask>().Single();
        Assert.Equal(ClusterTaskState.Success, task.State);
        Assert.Empty(await LockIdsAsync(spec));
        Ps.Run("Stop-PvcVm $args[0] -Wait", vm.Name).ThrowIfErrors();
    }

    [Fact]
    public async Task NoWait_returns_the_task_and_WhatIf_submits_none()
    {
        var (vm, spec) = await LockedVmAsync("unlock3", "hv1");
        var tasks = (await Lab.Connection.Tasks.ListAsync()).Count;
        Ps.Run("Unlock-PvcVmDisk $args[0] -WhatIf", vm.Name).ThrowIfErrors();
        Assert.Equal(tasks, (await Lab.Connection.Tasks.ListAsync()).Count);
        Assert.Equal(["hv-dead", "stray"], await LockIdsAsync(spec));

        var task = Ps.Run("Unlock-PvcVmDisk $args[0] -NoWait -Confirm:$false", vm.Name).ThrowIfErrors().OutputOf<ClusterTask>().Single();
        Assert.Equal(ClusterTaskKinds.VmFlushLocks, task.Kind);
        var done = Ps.Run("Get-PvcTask $args[0] -Wait", task.Id).ThrowIfErrors().OutputOf<ClusterTask>().Single();
        Assert.Equal(ClusterTaskState.Success, done.State);
        Assert.Empty(await LockIdsAsync(spec));
    }
}
