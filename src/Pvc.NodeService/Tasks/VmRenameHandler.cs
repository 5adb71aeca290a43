using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.NodeService.Ceph;

namespace Pvc.NodeService.Tasks;

/// <summary>
/// <c>vm.rename</c> (PVC's <c>vm rename</c> of a VM with RBD volumes named after it, rename_vm): checks the rename
/// again (the VM stopped, the names free, the volumes those confirmed), renames each volume in Ceph (<c>rbd rename</c>),
/// then writes the VM's new name, XML and rbdlist and moves the volumes' keys in one transaction. When a step fails,
/// the volumes renamed so far are renamed back, so the VM and its disks stay as they were. Not safe to repeat (the
/// volumes' names are what changes). Its result: <c>{"vm": new name, "volumes": ["pool/volume", ...]}</c> (new names).
/// </summary>
public sealed class VmRenameHandler(CephAccess ceph) : IClusterTaskHandler
{
    /// <inheritdoc />
    public string Kind => ClusterTaskKinds.VmRename;

    /// <inheritdoc />
    public bool SafeToRepeat => false;

    /// <inheritdoc />
    public async Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Arguments[VmOperations.RenameVmArgument] is not JsonValue uuidValue || !uuidValue.TryGetValue<string>(out var uuidText) || !Guid.TryParse(uuidText, out var uuid)
            || context.Arguments[VmOperations.RenameNewNameArgument] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var newName)
            || context.Arguments[VmOperations.RenameVolumesArgument] is not JsonArray list
            || list.Select(v => v is JsonValue s && s.TryGetValue<string>(out var t) ? t : null).ToList() is not { } confirmed || confirmed.Any(v => v is null))
            throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.TaskRecordInvalid,
                $"The task {context.Task.Id} ({Kind}) needs the VM's UUID ('{VmOperations.RenameVmArgument}'), its new name ('{VmOperations.RenameNewNameArgument}') and the confirmed volumes ('{VmOperations.RenameVolumesArgument}').") { Target = context.Task.Id };
        var vms = context.Cluster.Vms;
        var found = await vms.GetAsync(uuid, ct);
        var vm = new VmRef(found.Uuid, found.Name);
        // checked again here: the names may have been taken, or the VM changed, since the submission
        var renames = await vms.CheckRenameConfirmedAsync(vm, newName, [.. confirmed.Select(v => v!)], ct);
        var images = await ceph.ImagesAsync(ct);
        var done = new List<VolumeRename>();
        var total = renames.Count + 1;
        try
        {
            var infos = new Dictionary<string, RbdImageSample>(StringComparer.Ordinal);
            foreach (var r in renames)
            {
                await context.ReportAsync(done.Count, total, $"renaming volume {r.From} to {r.NewName}", ct);
                await images.RenameAsync(r.Pool, r.Volume, r.NewName, ct);
                done.Add(r);
                infos[r.To] = await images.ScanAsync(r.Pool, r.NewName, null, ct);
            }
            await context.ReportAsync(done.Count, total, $"renaming VM {vm.Name} to {newName}", ct);
            await vms.CommitRenameAsync(vm, newName, renames, infos, ct);
            if (Committed is { } committed)
                await committed(ct);
        }
        catch (Exception e) when (done.Count > 0)
        {
            // a commit whose answer was lost may have landed: the VM's keys then name the new volumes, which stay
            switch (await CommittedAsync(context, uuid, newName, done))
            {
                case true:
                    context.Logger.LogWarning("Renaming VM {Vm} to {NewName}: {Error} after its commit, which had landed", vm.Name, newName, e.Message);
                    return Result(newName, renames);
                case null:
                    throw new PvcException(PvcErrorKind.ConnectionError, PvcErrorIds.VmRenameOutcomeUnknown,
                        $"Renaming VM '{vm.Name}' to '{newName}' failed ({e.Message}) and whether its keys were written could not be read: its volumes {string.Join(", ", done)} are renamed in Ceph. Check the VM's disks and rename the volumes back by hand if they name the old ones.", e) { Target = vm.Name };
            }
            // the VM's keys still name the old volumes: they get their names back
            for (var i = done.Count - 1; i >= 0; i--)
            {
                try
                {
                    await images.RenameAsync(done[i].Pool, done[i].NewName, done[i].Volume, CancellationToken.None);
                }
                catch (Exception undo)
                {
                    context.Logger.LogError("Renaming volume {To} back to {From} after the failed rename of VM {Vm} failed: {Error}; rename it back by hand", done[i].To, done[i].Volume, vm.Name, undo.Message);
                }
            }
            context.Logger.LogWarning("Renaming VM {Vm} to {NewName} failed ({Error}); {Count} volume(s) renamed back", vm.Name, newName, e.Message, done.Count);
            throw;
        }
        return Result(newName, renames);
    }

    /// <summary>Tests only: runs after the commit returned, as a lost answer to it would surface there.</summary>
    internal Func<CancellationToken, Task>? Committed { get; init; }

    private static JsonObject Result(string newName, IReadOnlyList<VolumeRename> renames) =>
        new() { ["vm"] = newName, ["volumes"] = new JsonArray([.. renames.Select(r => (JsonNode)r.To)]) };

    // whether the VM's keys name the renamed volumes (true), the old ones (false), or cannot be read (null)
    private static async Task<bool?> CommittedAsync(ClusterTaskContext context, Guid uuid, string newName, IReadOnlyList<VolumeRename> done)
    {
        try
        {
            var vm = await context.Cluster.Vms.GetAsync(uuid, CancellationToken.None);
            var disks = vm.Disks.Select(d => d.Source).ToHashSet(StringComparer.Ordinal);
            return vm.Name == newName && done.All(r => disks.Contains(r.To));
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.VmNotFound)
        {
            return false;
        }
        catch (Exception e)
        {
            context.Logger.LogError("Reading VM {Uuid} after its failed rename failed: {Error}", uuid, e.Message);
            return null;
        }
    }
}
