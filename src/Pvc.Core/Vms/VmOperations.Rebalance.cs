using Pvc.Core.Placement;
using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

// Rebalancing: moves that even the running VMs out over the nodes, within the placement rules.
public sealed partial class VmOperations
{
    /// <summary>
    /// Recommends moves of running VMs that even out memory and vCPUs over the run/ready nodes within the placement rules
    /// (see <see cref="RebalancePlanner"/>), each with the score it improves. Writes nothing. An empty plan means the
    /// cluster is as even as single moves can make it.
    /// </summary>
    /// <param name="maxMoves">The most moves to recommend.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<RebalancePlan> RecommendPlacementAsync(int maxMoves = 50, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMoves);
        var view = await PlacementAsync(cancellationToken);
        var rules = await cluster.Placement.ReadRulesAsync(cancellationToken);
        var vms = await VmReader.ListAsync(Zk, new VmFilter { State = VmState.Start }, cancellationToken);
        // a migrated VM (last node set) counts where it is but stays there (limited to its node): its return is the administrator's
        var movable = vms.Where(v => v.Node is not null)
            .Select(v => new RebalanceVm(v.Uuid, v.Name, v.Node!, v.MemoryMiB, v.Vcpus, v.LastNode is null ? v.NodeLimit : [v.Node!]));
        return RebalancePlanner.Plan(view.Nodes, movable, rules, maxMoves);
    }
}
