namespace Pvc.NodeService.Networks;

/// <summary>
/// The networks whose instance is fully built on this node: the bridge <c>vmbr&lt;vni&gt;</c> and its port (the VXLAN or
/// VLAN) made, both up at the network's MTU, and the port attached. <see cref="NetworkInstances"/> says when a network
/// is built and when it is being changed (not built meanwhile); the primary's network services
/// (<see cref="PrimaryDhcp"/>) put a network's gateway on its bridge and start its dnsmasq only once it is built, and
/// are woken when it is. Else a guest's first DHCP OFFER could go out on a bridge whose VXLAN is not attached yet and be
/// lost. One per node session, shared by the two.
/// </summary>
internal sealed class BuiltNetworks
{
    private readonly Lock _lock = new();
    private readonly HashSet<int> _built = [];
    private readonly List<Action> _listeners = [];

    /// <summary>Whether network <paramref name="vni"/> is built on this node.</summary>
    public bool IsBuilt(int vni)
    {
        lock (_lock)
            return _built.Contains(vni);
    }

    /// <summary>Says that network <paramref name="vni"/> is built, or is being changed or could not be built; the listeners hear of a change.</summary>
    public void Set(int vni, bool built)
    {
        lock (_lock)
        {
            if (!(built ? _built.Add(vni) : _built.Remove(vni)))
                return;
        }
        Notify();
    }

    /// <summary>Forgets every network but <paramref name="vnis"/> (those no longer asked for, or not built in the last pass).</summary>
    public void KeepOnly(IReadOnlySet<int> vnis)
    {
        lock (_lock)
        {
            if (_built.RemoveWhere(v => !vnis.Contains(v)) == 0)
                return;
        }
        Notify();
    }

    /// <summary>Calls <paramref name="changed"/> on every change until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(Action changed)
    {
        lock (_lock)
            _listeners.Add(changed);
        return new Subscription(this, changed);
    }

    private void Notify()
    {
        Action[] listeners;
        lock (_lock)
            listeners = [.. _listeners];
        foreach (var listener in listeners)
            listener();
    }

    private sealed class Subscription(BuiltNetworks owner, Action changed) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock)
                owner._listeners.Remove(changed);
        }
    }
}
