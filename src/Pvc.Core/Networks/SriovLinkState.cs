using Pvc.Core.Schema;

namespace Pvc.Core.Networks;

/// <summary>The link state a VF is configured with (<c>ip link set ... vf N state</c>; PVC's <c>config/link_state</c>).</summary>
public enum SriovLinkState
{
    /// <summary>Not recorded, or a value this build does not know.</summary>
    Unknown,
    /// <summary>The VF follows the PF's link.</summary>
    Auto,
    /// <summary>The VF's link is always up.</summary>
    Enable,
    /// <summary>The VF's link is always down.</summary>
    Disable,
}

/// <summary>PVC's strings for <see cref="SriovLinkState"/>.</summary>
public static class SriovLinkStates
{
    /// <summary>The map between the enum and PVC's strings.</summary>
    public static WireEnum<SriovLinkState> Wire { get; } =
        new((SriovLinkState.Auto, "auto"), (SriovLinkState.Enable, "enable"), (SriovLinkState.Disable, "disable"));
}
