using Pvc.NodeService.Libvirt;
using Pvc.Testing.Lab;

namespace Pvc.NodeService.Tests.Fencing;

/// <summary>
/// Watches every hypervisor host's libvirt, about ten times a second, from outside the node services, and records
/// each moment a VM ran on two hosts at once: the one thing fencing must never allow (two QEMUs writing one disk).
/// A host that is down (its libvirtd killed by a BMC or a test) runs nothing. Tests also wait on its samples for
/// where VMs run.
/// </summary>
internal sealed class SingleRunInvariant : IDisposable
{
    private readonly IReadOnlyList<TestDriverDaemon> _hosts;
    private readonly IReadOnlyList<string> _names;
    private readonly LibvirtConnection?[] _connections;
    private readonly List<string> _violations = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<Guid, IReadOnlyList<string>> _last = new Dictionary<Guid, IReadOnlyList<string>>();
    private TaskCompletionSource _sampled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SingleRunInvariant(IReadOnlyList<TestDriverDaemon> hosts, IReadOnlyList<string> names)
    {
        _hosts = hosts;
        _names = names;
        _connections = new LibvirtConnection?[hosts.Count];
        // libvirt calls block: a thread of its own keeps them off the test's
        _thread = new Thread(Run) { IsBackground = true, Name = "single-run invariant" };
        _thread.Start();
    }

    /// <summary>How many times every host was looked at.</summary>
    public int Samples { get; private set; }

    /// <summary>The violations seen so far ("time: VM on hv1 and hv2").</summary>
    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_lock)
                return [.. _violations];
        }
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            var where = new Dictionary<Guid, List<string>>();
            for (var i = 0; i < _hosts.Count; i++)
            {
                foreach (var uuid in Running(i))
                {
                    if (!where.TryGetValue(uuid, out var list))
                        where[uuid] = list = [];
                    list.Add(_names[i]);
                }
            }
            TaskCompletionSource sampled;
            lock (_lock)
            {
                foreach (var (uuid, hosts) in where.Where(w => w.Value.Count > 1))
                    _violations.Add($"{DateTime.UtcNow:HH:mm:ss.fff}: VM {uuid} running on {string.Join(" and ", hosts)}");
                _last = where.ToDictionary(w => w.Key, w => (IReadOnlyList<string>)w.Value);
                Samples++;
                sampled = _sampled;
                _sampled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            sampled.TrySetResult();
            _stop.Token.WaitHandle.WaitOne(100);
        }
        foreach (var connection in _connections)
            connection?.Dispose();
    }

    private IEnumerable<Guid> Running(int i)
    {
        if (!_hosts[i].IsRunning)
        {
            _connections[i]?.Dispose();
            _connections[i] = null;
            return [];
        }
        try
        {
            _connections[i] ??= LibvirtConnection.Open(_hosts[i].Uri);
            return [.. _connections[i]!.ListDomains().Where(d => d.State is DomainState.Running or DomainState.Paused or DomainState.Blocked).Select(d => d.Uuid)];
        }
        catch (LibvirtException)
        {
            // the host went down between the check and the call
            _connections[i]?.Dispose();
            _connections[i] = null;
            return [];
        }
    }

    /// <summary>The hosts each VM ran on at the last sample.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<string>> Last
    {
        get
        {
            lock (_lock)
                return _last;
        }
    }

    /// <summary>Waits, sample by sample, until <paramref name="done"/> holds for where VMs run.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyDictionary<Guid, IReadOnlyList<string>>, Task<bool>> done, string what, Func<string> context, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            Task next;
            IReadOnlyDictionary<Guid, IReadOnlyList<string>> last;
            lock (_lock)
            {
                next = _sampled.Task;
                last = _last;
            }
            if (Samples > 0 && await done(last))
                return;
            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waiting for {what}; VMs last seen: {string.Join(", ", last.Select(l => $"{l.Key}@{string.Join("+", l.Value)}"))}\n{context()}");
            }
        }
    }

    /// <summary>Asserts that no VM ever ran on two hosts, over a real number of samples.</summary>
    public void AssertHeld()
    {
        Assert.True(Samples > 10, $"only {Samples} samples were taken");
        Assert.True(Violations.Count == 0, string.Join("\n", Violations.Take(5)));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
