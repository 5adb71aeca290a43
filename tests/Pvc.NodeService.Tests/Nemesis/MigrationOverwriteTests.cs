using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Xunit.Abstractions;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// What the nemesis found with seed 7 (40 s): a client's start written while a VM migrates, its sender hung, made
/// the receiver start the VM while the sender still ran it (84 ms, until the thawed sender stopped its copy). Here
/// on purpose, with the checker watching: the sender (hv1) is frozen, the VM is migrated to hv2 (which announces
/// itself and waits for the sender), and a client asks for a start, or a stop, meanwhile. PVC's own clients take
/// the VM's state lock for such a write, which the sender holds for the whole migration; whatever Pvc does instead,
/// the VM must never run on two hosts.
/// </summary>
[Collection(NemesisCollection.Name)]
public sealed class MigrationOverwriteTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(ClientOpKind.Start)]
    [InlineData(ClientOpKind.Stop)]
    internal async Task A_state_written_while_a_VM_migrates_away_from_a_hung_node_never_runs_it_on_two_hosts(ClientOpKind write)
    {
        var directory = Directory.CreateTempSubdirectory("pvc-overwrite-").FullName;
        using var log = new NemesisLog(Path.Combine(directory, "nemesis.log"), Echo);
        await using var lab = await NemesisLab.StartAsync(directory, NemesisSchedule.FencingYamlOf(NemesisProfile.Bmc), log);
        var vms = new VmOperations(lab.Connection);
        var vm = lab.Vms["vm1"]; // on hv1
        var sync = DomainKeys.Path(vm.Uuid, DomainKeys.MigrateSyncLock);

        lab.Node("hv1").Freeze();
        await vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, "hv2"));
        await WaitAsync(async () => Encoding.UTF8.GetString((await lab.Connection.ZooKeeper.GetDataAsync(sync)).Data) == DomainKeys.Format(vm.Uuid),
            "hv2 announcing itself as the receiver", lab);

        PvcException? refused = null;
        try
        {
            if (write == ClientOpKind.Start)
                await vms.StartAsync(vm);
            else
                await vms.StopAsync(vm);
            log.Line($"client {write} vm1 during the migration: written");
        }
        catch (PvcException e)
        {
            refused = e;
            log.Line($"client {write} vm1 during the migration: refused ({e.ErrorId}: {e.Message})");
        }
        // the receiver acts at once if it acts at all; the hung sender is fenced after about five seconds, so look
        // well within that: until hv2 runs the VM, or 3 s (a bounded look for something that must not happen)
        await WaitAsync(() => Task.FromResult(lab.Checker.Running().GetValueOrDefault(vm.Uuid)?.Contains("hv2") == true), null, lab, TimeSpan.FromSeconds(3));
        lab.Node("hv1").Thaw();
        await lab.Checker.DrainProbesAsync();

        Assert.True(lab.Checker.Overlaps.Count == 0,
            $"{write} {(refused is null ? "was written" : "was refused")}, and: {string.Join("; ", lab.Checker.Overlaps)}\n{string.Join('\n', log.Lines)}");
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Waits, looking every 100 ms, until the condition holds; throws at the deadline when <paramref name="what"/> is given.</summary>
    private static async Task WaitAsync(Func<Task<bool>> done, string? what, NemesisLab lab, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? Deadline);
        while (!await done())
        {
            if (deadline.IsCancellationRequested)
            {
                if (what is null)
                    return;
                throw new TimeoutException($"waiting for {what}; VMs: {string.Join(", ", lab.Checker.Running().Select(r => $"{r.Key}@{string.Join("+", r.Value)}"))}");
            }
            // the condition spans ZooKeeper and the checker: the next event or a tenth of a second
            await Task.WhenAny(lab.Checker.NextChangeAsync(), Task.Delay(100));
        }
    }

    private void Echo(string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // after the test ended
        }
    }
}
