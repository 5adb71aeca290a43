using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// What the <see cref="LifecycleChecker"/> knows of one hypervisor host: its event connection and subscription, the
/// cluster VMs running there as its lifecycle events (and a listing at each attach) say, and how to tell that the
/// host's VMs died with it (its power was cut since the view was last made true).
/// </summary>
internal sealed class HostView(string name, Func<int> powerCuts)
{
    /// <summary>The node's name.</summary>
    public string Name { get; } = name;

    /// <summary>The cluster VMs running there (guarded by the checker's lock).</summary>
    public HashSet<Guid> Running { get; } = [];

    /// <summary>The event connection, while attached.</summary>
    public LibvirtConnection? Events { get; set; }

    /// <summary>The subscription on <see cref="Events"/>.</summary>
    public DomainEventSubscription? Subscription { get; set; }

    /// <summary>A second connection for direct looks (probes, listings), opened when first needed.</summary>
    public LibvirtConnection? Probe { get; set; }

    /// <summary>Bumped at each attach and detach: events of an older connection are dropped.</summary>
    public int Generation { get; set; }

    /// <summary>The BMC's power cuts when the view was last made true; one more means every VM there died.</summary>
    public int PowerCutsSeen { get; set; } = powerCuts();

    /// <summary>How many power-offs or resets the BMC has carried out so far.</summary>
    public int PowerCuts() => powerCuts();
}
