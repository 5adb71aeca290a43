using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.NodeService.Ceph;

namespace Pvc.NodeService.Tasks;

/// <summary>
/// <c>vm.flush_locks</c> (PVC's <c>vm flush-locks</c>): breaks every RBD lock on a stopped VM's volumes, once the state
/// is read again here (it may have been started since the task was submitted), or on any VM's with the <c>force</c>
/// argument (PVC's <c>force_unlock</c>). The plain form is safe to repeat: breaking what is no longer locked does
/// nothing, and the state is read again. The forced form is not (rev14 P3-7): run again after its node died, it would
/// break the locks of a VM started meanwhile, whose QEMU is then blocklisted. Its result: <c>{"vm": name, "volumes": [{"volume": "pool/volume", "locks": [{"client",
/// "cookie", "address"}]}]}</c>, the locks it broke.
/// </summary>
public sealed class VmFlushLocksHandler(CephAccess ceph) : IClusterTaskHandler
{
    /// <inheritdoc />
    public string Kind => ClusterTaskKinds.VmFlushLocks;

    /// <inheritdoc />
    public bool SafeToRepeat => true;

    /// <inheritdoc />
    public bool IsSafeToRepeat(JsonObject arguments) => !IsForced(arguments);

    private static bool IsForced(JsonObject arguments) =>
        arguments?[VmOperations.FlushLocksForceArgument] is JsonValue force && force.TryGetValue<bool>(out var forced) && forced;

    /// <inheritdoc />
    public async Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var argument = context.Arguments[VmOperations.FlushLocksVmArgument];
        if (argument is not JsonValue value || !value.TryGetValue<string>(out var text) || !Guid.TryParse(text, out var uuid))
            throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.TaskRecordInvalid,
                $"The task {context.Task.Id} ({Kind}) names no VM UUID in its '{VmOperations.FlushLocksVmArgument}' argument.") { Target = context.Task.Id };
        var vm = await context.Cluster.Vms.GetAsync(uuid, ct);
        if (!IsForced(context.Arguments))
            VmOperations.RequireLocksFlushable(new VmRef(vm.Uuid, vm.Name), vm.State);
        var volumes = vm.Disks.Count(d => d.Type == "rbd");
        await context.ReportAsync(0, volumes, $"Breaking the locks on {volumes} volume(s) of VM {vm.Name}", ct);
        var broken = await new VmDiskLocks(ceph, context.Logger).FlushAsync(vm, ct);
        await context.ReportAsync(volumes, volumes, $"Broke {broken.Values.Sum(l => l.Count)} lock(s) on VM {vm.Name}'s volumes", ct);
        return new JsonObject
        {
            ["vm"] = vm.Name,
            ["volumes"] = new JsonArray([.. broken.Select(b => (JsonNode)new JsonObject
            {
                ["volume"] = b.Key,
                ["locks"] = new JsonArray([.. b.Value.Select(l => (JsonNode)new JsonObject { ["client"] = l.Client, ["cookie"] = l.Cookie, ["address"] = l.Address })]),
            })]),
        };
    }
}
