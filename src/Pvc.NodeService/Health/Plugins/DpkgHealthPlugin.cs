using System.Text.Json.Nodes;

namespace Pvc.NodeService.Health.Plugins;

/// <summary>
/// PVC's <c>dpkg</c> plugin: 1 each for a package not cleanly installed (dpkg's status other than "ii", or "rc" which is
/// only configuration left behind), a package that can be upgraded (<c>apt-get --simulate upgrade</c>), and an obsolete
/// configuration file in /etc (<c>*.dpkg-*</c>, <c>*.ucf-*</c>, <c>*.update-*</c>). Not loaded without dpkg.
/// </summary>
internal sealed class DpkgHealthPlugin(string dpkgQuery = "dpkg-query", string aptGet = "apt-get", string etc = "/etc") : IHealthPlugin
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] ObsoletePatterns = ["*.dpkg-*", "*.ucf-*", "*.update-*"];

    public string Name => "dpkg";

    public Task<string?> SetupAsync(CancellationToken cancellationToken) =>
        Task.FromResult(HostCommand.Exists(dpkgQuery) ? null : $"{dpkgQuery} is not installed (not a Debian system)");

    public async Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var status = await HostCommand.RunAsync(dpkgQuery, ["--show", "--showformat", "${db:Status-Abbrev}\t${Package}\n"], CallTimeout, cancellationToken);
        var inconsistent = status.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .Where(f => f.Length == 2 && f[0].Trim() is not ("ii" or "rc"))
            .Select(f => f[1]).ToList();
        var upgrade = HostCommand.Exists(aptGet)
            ? await HostCommand.RunAsync(aptGet, ["--simulate", "--quiet", "--quiet", "upgrade"], CallTimeout, cancellationToken,
                new Dictionary<string, string?> { ["LC_ALL"] = "C" })
            : new HostCommand(-1, "", "");
        var upgradable = upgrade.Output.Split('\n').Where(l => l.StartsWith("Inst ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
        var obsolete = ObsoleteConfigurationFiles();
        var data = new JsonObject
        {
            ["inconsistent"] = new JsonArray([.. inconsistent.Select(p => (JsonNode)p)]),
            ["upgradable"] = new JsonArray([.. upgradable.Select(p => (JsonNode)p)]),
            ["obsolete_conffiles"] = new JsonArray([.. obsolete.Select(p => (JsonNode)p)]),
        };
        var delta = inconsistent.Count + upgradable.Count + obsolete.Count;
        var message = delta == 0 ? "All packages are current and consistent"
            : $"{inconsistent.Count} inconsistent package(s), {upgradable.Count} upgradable package(s), {obsolete.Count} obsolete configuration file(s)";
        return new HealthPluginOutcome(delta, message, data);
    }

    private List<string> ObsoleteConfigurationFiles()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return [.. ObsoletePatterns.SelectMany(p => Directory.Exists(etc) ? Directory.EnumerateFiles(etc, p, options) : []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
