using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// Follows every hypervisor host from outside the node services, through libvirt's domain lifecycle events (the
/// node service's own binding: <see cref="LibvirtConnection.SubscribeLifecycleEvents"/>), and checks on every event
/// that no cluster VM runs on two hosts at once. Each host's set of running VMs comes from a listing when the
/// checker attaches to it (after a boot or a libvirtd restart) and from its events afterwards; a host whose
/// hypervisor died, or whose BMC cut its power, runs nothing from that moment.
/// </summary>
/// <remarks>
/// Unlike sampling ten times a second, no start or stop escapes it: a VM that ran on a second host for a millisecond
/// is seen. What an event cannot say is when it happened, only when it arrived; an overlap is therefore looked at
/// directly on both hosts as soon as it is seen, and the result is kept with it (<see cref="OverlapEpisode"/>).
/// Every overlap counts as a violation, confirmed or not: events from one host arrive in order, and a stop that
/// reaches the checker after a start elsewhere that it caused would need the stop's event to be held up for longer
/// than a round of ZooKeeper writes and reads between two node services, which the checker reports rather than excuses.
/// </remarks>
internal sealed class LifecycleChecker : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HostView> _hosts;
    private readonly IReadOnlyDictionary<Guid, string> _vms;
    private readonly NemesisLog _log;
    private readonly Dictionary<Guid, OverlapEpisode> _open = [];
    private readonly List<OverlapEpisode> _episodes = [];
    private readonly List<Task> _probes = [];
    private readonly Dictionary<string, List<DomainLifecycleEvent>?> _buffers = [];
    private readonly Dictionary<string, string> _uris = [];
    private long _events;
    private long _resyncs;
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>A checker of <paramref name="vms"/> (UUID to name) on the given hosts, none attached yet.</summary>
    /// <param name="hosts">Each host's node name and its BMC's count of power cuts so far.</param>
    /// <param name="vms">The cluster's VMs: domains that are not among them (the test driver's own) are ignored.</param>
    /// <param name="log">Where overlaps and host deaths are written.</param>
    public LifecycleChecker(IEnumerable<(string Name, Func<int> PowerCuts)> hosts, IReadOnlyDictionary<Guid, string> vms, NemesisLog log)
    {
        _hosts = hosts.ToDictionary(h => h.Name, h => new HostView(h.Name, h.PowerCuts));
        _vms = vms;
        _log = log;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lifecycle events applied and checked.</summary>
    public long EventsChecked => Interlocked.Read(ref _events);

    /// <summary>Listings taken on attaching (each is checked as a whole).</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>Every overlap seen so far (each a violation).</summary>
    public IReadOnlyList<OverlapEpisode> Overlaps
    {
        get
        {
            lock (_lock)
                return [.. _episodes];
        }
    }

    /// <summary>
    /// Connects to a host's libvirt (a blocking call), subscribes to its lifecycle events, then lists its domains:
    /// the listing replaces what was known of it, and the events that arrived meanwhile are applied after it, in order.
    /// </summary>
    /// <exception cref="LibvirtException">The host does not answer.</exception>
    public void Attach(string host, string uri)
    {
        var view = _hosts[host];
        Detach(host, vmsDied: false, quiet: true);
        var connection = LibvirtConnection.Open(uri);
        int generation;
        lock (_lock)
        {
            generation = ++view.Generation;
            view.Events = connection;
            _uris[host] = uri;
            _buffers[host] = [];
        }
        try
        {
            view.Subscription = connection.SubscribeLifecycleEvents(e => OnEvent(view, generation, e));
            var listing = connection.ListDomains().Where(d => _vms.ContainsKey(d.Uuid) && IsActive(d.State)).Select(d => d.Uuid).ToList();
            lock (_lock)
            {
                if (view.Generation != generation)
                    return; // detached meanwhile: the host died while being listed
                view.Running.Clear();
                view.Running.UnionWith(listing);
                view.PowerCutsSeen = view.PowerCuts();
                Interlocked.Increment(ref _resyncs);
                foreach (var e in _buffers[host] ?? [])
                    Apply(view, e);
                _buffers[host] = null;
                _log.Line($"checker: attached to {host}: {Describe(view.Running)}");
                foreach (var uuid in _vms.Keys)
                    Check(uuid, $"listing of {host}");
            }
        }
        catch
        {
            Detach(host, vmsDied: false, quiet: true);
            throw;
        }
    }

    /// <summary>
    /// Stops following a host. <paramref name="vmsDied"/>: its hypervisor died (a crash, a power-off), so it runs
    /// nothing from now on; otherwise (libvirtd restarting, its VMs living on as QEMU processes do) what it ran is
    /// kept until the next attach, unless its BMC cuts the power meanwhile.
    /// </summary>
    public void Detach(string host, bool vmsDied, bool quiet = false)
    {
        var view = _hosts[host];
        LibvirtConnection? events, probe;
        DomainEventSubscription? subscription;
        lock (_lock)
        {
            view.Generation++;
            _buffers[host] = null;
            (events, probe, subscription) = (view.Events, view.Probe, view.Subscription);
            (view.Events, view.Probe, view.Subscription) = (null, null, null);
            if (vmsDied)
            {
                if (!quiet || view.Running.Count > 0)
                    _log.Line($"checker: {host}'s hypervisor is down; it ran {Describe(view.Running)}");
                var died = view.Running.ToList();
                view.Running.Clear();
                foreach (var uuid in died)
                    Check(uuid, $"{host} down");
            }
            Signal();
        }
        subscription?.Dispose();
        events?.Dispose();
        probe?.Dispose();
    }

    private void OnEvent(HostView view, int generation, DomainLifecycleEvent e)
    {
        lock (_lock)
        {
            if (view.Generation != generation)
                return; // a connection being replaced
            if (_buffers.GetValueOrDefault(view.Name) is { } buffer)
                buffer.Add(e);
            else
                Apply(view, e);
        }
    }

    private void Apply(HostView view, DomainLifecycleEvent e)
    {
        if (!_vms.ContainsKey(e.Uuid))
            return;
        Interlocked.Increment(ref _events);
        switch (e.Type)
        {
            case DomainLifecycleEventType.Started or DomainLifecycleEventType.Resumed or DomainLifecycleEventType.Suspended or DomainLifecycleEventType.PmSuspended:
                // a paused or suspended guest still holds its disks: it runs as far as this invariant goes
                view.Running.Add(e.Uuid);
                break;
            case DomainLifecycleEventType.Stopped:
                view.Running.Remove(e.Uuid);
                break;
            default:
                // defined, undefined, shutdown begun, crashed (a stop follows when the process goes): nothing changes
                break;
        }
        Check(e.Uuid, $"{e.Type} on {view.Name}");
        Signal();
    }

    private static bool IsActive(DomainState state) => state is not (DomainState.Shutoff or DomainState.NoState);

    /// <summary>
    /// A host whose BMC cut its power since its view was made true runs nothing: its processes were killed (the
    /// BMC's hook logs the call before it kills), and a view kept across a libvirtd restart must not outlive them.
    /// </summary>
    private void RefreshPower()
    {
        foreach (var view in _hosts.Values)
        {
            var cuts = view.PowerCuts();
            if (cuts <= view.PowerCutsSeen)
                continue;
            view.PowerCutsSeen = cuts;
            if (view.Running.Count > 0)
                _log.Line($"checker: {view.Name}'s power was cut; it ran {Describe(view.Running)}");
            view.Running.Clear();
        }
    }

    /// <summary>Checks one VM after a change, and every overlap still open (a host's death may have ended it).</summary>
    private void Check(Guid uuid, string cause)
    {
        RefreshPower();
        Evaluate(uuid, cause);
        foreach (var open in _open.Keys.Where(k => k != uuid).ToList())
            Evaluate(open, cause);
    }

    private void Evaluate(Guid uuid, string cause)
    {
        var hosts = _hosts.Values.Where(v => v.Running.Contains(uuid)).Select(v => v.Name).ToList();
        if (hosts.Count >= 2)
        {
            if (_open.TryGetValue(uuid, out var open))
            {
                open.Hosts.UnionWith(hosts);
                return;
            }
            var episode = new OverlapEpisode(uuid, _vms[uuid], hosts, cause, _log.Elapsed);
            _open[uuid] = episode;
            _episodes.Add(episode);
            _log.Line($"VIOLATION: VM {episode.Name} runs on {string.Join(" and ", hosts)} at once ({cause})");
            _probes.Add(Task.Run(() => Probe(episode)));
        }
        else if (_open.Remove(uuid, out var closed))
        {
            closed.Ended = _log.Elapsed;
            _log.Line($"checker: VM {closed.Name} runs on one host again ({cause}): {closed}");
        }
    }

    /// <summary>Looks at each host of an overlap directly, on a connection of its own, right after it was seen.</summary>
    private void Probe(OverlapEpisode episode)
    {
        var found = new List<string>();
        var running = 0;
        foreach (var host in episode.Hosts.ToList())
        {
            var state = LookAt(host, episode.Uuid);
            if (state is { } s && IsActive(s))
                running++;
            found.Add($"{host} {(state is { } known ? known.ToString().ToLowerInvariant() : "has no such domain or is down")}");
        }
        lock (_lock)
        {
            episode.Probe = string.Join(", ", found);
            episode.Confirmed = running >= 2;
        }
        _log.Line($"checker: direct look at VM {episode.Name}: {string.Join(", ", found)}");
    }

    /// <summary>The domain's state on a host, or null when it has no such domain or cannot be reached.</summary>
    private DomainState? LookAt(string host, Guid uuid)
    {
        try
        {
            var connection = ProbeConnection(host);
            using var domain = connection?.TryLookupDomain(uuid);
            return domain?.GetState().State;
        }
        catch (LibvirtException)
        {
            return null;
        }
    }

    private LibvirtConnection? ProbeConnection(string host)
    {
        var view = _hosts[host];
        string? uri;
        lock (_lock)
        {
            if (view.Probe is { } open)
                return open;
            uri = view.Events is null ? null : _uris.GetValueOrDefault(host);
        }
        if (uri is null)
            return null;
        var connection = LibvirtConnection.Open(uri);
        lock (_lock)
        {
            if (view.Probe is null && view.Events is not null)
            {
                view.Probe = connection;
                return connection;
            }
        }
        connection.Dispose();
        return null;
    }

    /// <summary>Where each VM runs as the events say (hosts whose power was cut run nothing).</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<string>> Running()
    {
        lock (_lock)
        {
            RefreshPower();
            var where = new Dictionary<Guid, IReadOnlyList<string>>();
            foreach (var uuid in _vms.Keys)
            {
                var hosts = _hosts.Values.Where(v => v.Running.Contains(uuid)).Select(v => v.Name).ToList();
                if (hosts.Count > 0)
                    where[uuid] = hosts;
            }
            return where;
        }
    }

    /// <summary>
    /// A fresh listing of every attached host's cluster VMs (blocking calls), to hold the events' view against;
    /// a host that is not attached, or does not answer, has no entry.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlySet<Guid>> List()
    {
        var listed = new Dictionary<string, IReadOnlySet<Guid>>();
        foreach (var host in _hosts.Keys)
        {
            try
            {
                if (ProbeConnection(host) is { } connection)
                    listed[host] = connection.ListDomains().Where(d => _vms.ContainsKey(d.Uuid) && IsActive(d.State)).Select(d => d.Uuid).ToHashSet();
            }
            catch (LibvirtException)
            {
                // down, or going down
            }
        }
        return listed;
    }

    /// <summary>True while the host is attached (its events followed).</summary>
    public bool IsAttached(string host)
    {
        lock (_lock)
            return _hosts[host].Events is not null;
    }

    /// <summary>Completes at the next event or attach.</summary>
    public Task NextChangeAsync()
    {
        lock (_lock)
            return _changed.Task;
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private string Describe(IEnumerable<Guid> uuids) =>
        uuids.Any() ? string.Join(", ", uuids.Select(u => _vms[u]).Order(StringComparer.Ordinal)) : "no VMs";

    /// <summary>Waits for the direct looks still under way (so that their findings are in <see cref="Overlaps"/>).</summary>
    public async Task DrainProbesAsync()
    {
        Task[] probes;
        lock (_lock)
            probes = [.. _probes];
        await Task.WhenAll(probes).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var host in _hosts.Keys)
            Detach(host, vmsDied: false, quiet: true);
    }
}
