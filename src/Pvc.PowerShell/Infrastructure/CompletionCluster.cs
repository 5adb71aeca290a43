using System.Collections;
using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>What the argument completers share: which cluster to ask, and how to turn names into results.</summary>
internal static class CompletionCluster
{
    public static ClusterConnection? Resolve(IDictionary fakeBoundParameters) =>
        (fakeBoundParameters["Cluster"] is PSObject { BaseObject: ClusterConnection bound } ? bound : fakeBoundParameters["Cluster"] as ClusterConnection)
        ?? DefaultCluster.Get();

    public static IEnumerable<CompletionResult> Complete(IEnumerable<string> names, string wordToComplete)
    {
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return names.Where(pattern.IsMatch).Order(StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(n.Any(c => char.IsWhiteSpace(c) || c is '\'' or '$' or '`') ? $"'{n.Replace("'", "''", StringComparison.Ordinal)}'" : n,
                n, CompletionResultType.ParameterValue, n));
    }
}
