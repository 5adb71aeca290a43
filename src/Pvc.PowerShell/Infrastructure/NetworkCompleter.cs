using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using Pvc.Core.Networks;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Completes networks by VNI and by description, from the cluster of an already-bound <c>-Cluster</c>, else the runspace's default.</summary>
public sealed class NetworkCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var cluster = CompletionCluster.Resolve(fakeBoundParameters);
        if (cluster is null)
            return [];
        try
        {
            var networks = cluster.Networks.ListAsync().WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            return CompletionCluster.Complete(networks.SelectMany(n => new[] { n.Vni.ToString(CultureInfo.InvariantCulture), n.Description }), wordToComplete);
        }
        catch (Exception e) when (e is TimeoutException || PvcErrorRecords.IsReportable(e))
        {
            return [];
        }
    }
}
