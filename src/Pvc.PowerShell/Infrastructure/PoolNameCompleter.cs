using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Pvc.Core.Storage;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Completes pool names from the cluster of an already-bound <c>-Cluster</c>, else the runspace's default.</summary>
public sealed class PoolNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var cluster = CompletionCluster.Resolve(fakeBoundParameters);
        if (cluster is null)
            return [];
        try
        {
            var pools = cluster.Pools.ListAsync().WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            return CompletionCluster.Complete(pools.Select(p => p.Name), wordToComplete);
        }
        catch (Exception e) when (e is TimeoutException || PvcErrorRecords.IsReportable(e))
        {
            return [];
        }
    }
}
