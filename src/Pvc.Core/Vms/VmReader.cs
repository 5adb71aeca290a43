using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>
/// Reads VMs in three round trips whatever their number: the UUID list; every VM's keys (with a filter:
/// first what the filter looks at, then the rest for the VMs that pass); then the type and protected flag
/// of each tag.
/// </summary>
internal static class VmReader
{
    /// <summary>The VMs that pass the filter, sorted by name.</summary>
    public static async Task<IReadOnlyList<Vm>> ListAsync(ZooKeeperClient zk, VmFilter? filter = null, CancellationToken cancellationToken = default, ReadCounter? counter = null)
    {
        filter ??= VmFilter.All;
        var batch = new ZnodeBatch(zk, counter).Children(BaseKeys.Domains).Data(BaseKeys.SchemaVersion);
        await batch.ReadAsync(cancellationToken);
        SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));
        var vms = UuidsOf(batch.ChildrenOf(BaseKeys.Domains)).Select(u => new VmSlots(u)).ToList();
        foreach (var vm in vms)
        {
            vm.QueueSummary(batch);
            // with no filter every VM is listed: read its detail in the same wave
            if (filter.IsEmpty)
                vm.QueueDetail(batch);
        }
        await batch.ReadAsync(filter.IsEmpty ? ReadXmlOf(batch, vms) : null, cancellationToken);
        var matched = vms.Where(vm => vm.Exists(batch) &&
            filter.Matches(vm.Uuid, vm.Name(batch), vm.Node(batch), vm.State(batch), vm.TagNames(batch))).ToList();
        if (!filter.IsEmpty)
            foreach (var vm in matched)
                vm.QueueDetail(batch);
        return await DetailsAsync(batch, matched, cancellationToken);
    }

    /// <summary>One VM by UUID.</summary>
    /// <exception cref="PvcException">NotFound: No VM has that UUID.</exception>
    public static async Task<Vm> GetAsync(ZooKeeperClient zk, Guid uuid, CancellationToken cancellationToken = default)
    {
        var batch = new ZnodeBatch(zk).Data(BaseKeys.SchemaVersion);
        var vm = new VmSlots(uuid);
        vm.QueueSummary(batch);
        vm.QueueDetail(batch);
        await batch.ReadAsync(cancellationToken);
        SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));
        if (!vm.Exists(batch))
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"No VM has the UUID {uuid}.") { Target = uuid };
        return (await DetailsAsync(batch, [vm], cancellationToken))[0];
    }

    /// <summary>Reads the tags' detail (the detail of the VMs is queued already), then builds the VMs.</summary>
    private static async Task<IReadOnlyList<Vm>> DetailsAsync(ZnodeBatch batch, List<VmSlots> vms, CancellationToken cancellationToken)
    {
        foreach (var vm in vms)
            vm.QueueTagDetail(batch);
        await batch.ReadAsync(ReadXmlOf(batch, vms), cancellationToken);
        var result = new Vm[vms.Count];
        // on both cores: what is left of the XML parsing (see ReadAsync's callers), and the rest
        Parallel.For(0, vms.Count, i => result[i] = vms[i].Build(batch));
        // by name; equal names (a damaged cluster) by UUID, so the order never depends on the server's
        Array.Sort(result, static (a, b) => string.CompareOrdinal(a.Name, b.Name) is var c and not 0 ? c : a.Uuid.CompareTo(b.Uuid));
        return result;
    }

    /// <summary>
    /// Parses each VM's XML as soon as its read is in (the parse is most of the client's work in a listing, and this
    /// way it runs while the server still answers the rest). A VM whose XML is not in this wave is left alone.
    /// </summary>
    private static Action<int, int> ReadXmlOf(ZnodeBatch batch, List<VmSlots> vms) => (first, count) =>
    {
        foreach (var vm in vms)
            vm.ReadXmlIfIn(batch, first, count);
    };

    /// <summary>The children of /domains that are VM UUIDs (lock nodes and strays skipped).</summary>
    internal static List<Guid> UuidsOf(IReadOnlyList<string>? children) =>
        [.. (children ?? []).Select(c => Guid.TryParse(c, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty)];
}
