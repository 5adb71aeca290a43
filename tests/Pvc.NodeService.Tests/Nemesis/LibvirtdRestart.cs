using Pvc.Testing.Lab;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>A libvirtd restart under way: the killed daemon, the XML of the domains that live on, and the BMC's power cuts at the kill.</summary>
/// <param name="Old">The killed daemon.</param>
/// <param name="Domains">The running domains' XML, to make again on the new daemon.</param>
/// <param name="PowerCuts">The BMC's power cuts at the kill: one more since, and the domains died.</param>
internal sealed record LibvirtdRestart(TestDriverDaemon Old, IReadOnlyList<string> Domains, int PowerCuts);
