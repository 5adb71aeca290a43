namespace Pvc.NodeService.Networks;

/// <summary>
/// One command of a network's set-up: the program (<c>ip</c>, <c>ethtool</c>, <c>sysctl</c>) and its arguments, each its own
/// argument (no shell). A required one that fails fails the network's build; one that is not (PVC's tuning, which its
/// <c>run_os_command</c> does not check either) is logged and the build goes on.
/// </summary>
internal sealed record HostCommand(string Program, IReadOnlyList<string> Args, bool Required = true)
{
    /// <summary>An <c>ip</c> command.</summary>
    public static HostCommand Ip(params string[] args) => new("ip", args);

    /// <inheritdoc />
    public override string ToString() => Program + " " + string.Join(' ', Args);
}
