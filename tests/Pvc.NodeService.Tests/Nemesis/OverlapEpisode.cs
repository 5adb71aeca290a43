using System.Globalization;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// A stretch of time during which a VM ran on two hosts at once as their lifecycle events said: the one thing that
/// must never happen. A direct look at the hosts right after the event that began it says whether they really both ran it.
/// </summary>
internal sealed class OverlapEpisode(Guid uuid, string name, IEnumerable<string> hosts, string cause, TimeSpan began)
{
    /// <summary>The VM.</summary>
    public Guid Uuid { get; } = uuid;

    /// <summary>The VM's name.</summary>
    public string Name { get; } = name;

    /// <summary>The hosts that ran it at once (more may join while it lasts).</summary>
    public SortedSet<string> Hosts { get; } = new(hosts, StringComparer.Ordinal);

    /// <summary>The event that began it ("Started on hv2").</summary>
    public string Cause { get; } = cause;

    /// <summary>When it began, on the run's clock.</summary>
    public TimeSpan Began { get; } = began;

    /// <summary>When it ended (an event or a host's death left one host), or null while it lasts.</summary>
    public TimeSpan? Ended { get; set; }

    /// <summary>What the direct look found, host by host ("hv1 running, hv2 running"), once it is done.</summary>
    public string? Probe { get; set; }

    /// <summary>True when the direct look found the VM running on two hosts.</summary>
    public bool Confirmed { get; set; }

    /// <inheritdoc />
    public override string ToString()
    {
        var span = Ended is { } end ? string.Create(CultureInfo.InvariantCulture, $"for {(end - Began).TotalMilliseconds:0} ms") : "until the end";
        return string.Create(CultureInfo.InvariantCulture,
            $"VM {Name} ({Uuid}) ran on {string.Join(" and ", Hosts)} at once from {Began.TotalSeconds:0.000} s ({Cause}) {span}; direct look: {Probe ?? "not done"}{(Confirmed ? " (confirmed)" : "")}");
    }
}
