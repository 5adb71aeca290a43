using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Pvc.Core.Connection;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// Completes names read from the cluster of an already-bound <c>-Cluster</c>, else the runspace's default: nothing when
/// there is no connection, the cluster does not answer within 5 s, or it answers with an error (completion never throws).
/// </summary>
public abstract class LiveNameCompleter : IArgumentCompleter
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>The names to offer, read from <paramref name="cluster"/>; <paramref name="bound"/> holds the parameters already given.</summary>
    protected abstract Task<IEnumerable<string>> NamesAsync(ClusterConnection cluster, IDictionary bound);

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var cluster = CompletionCluster.Resolve(fakeBoundParameters);
        if (cluster is null)
            return [];
        try
        {
            return CompletionCluster.Complete(NamesAsync(cluster, fakeBoundParameters).WaitAsync(Patience).GetAwaiter().GetResult(), wordToComplete);
        }
        catch (Exception e) when (e is TimeoutException || PvcErrorRecords.IsReportable(e))
        {
            return [];
        }
    }
}
