using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Pvc.Core.Tasks;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Completes task ids (newest first) from the cluster of an already-bound <c>-Cluster</c>, else the runspace's default.</summary>
public sealed class TaskIdCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var cluster = CompletionCluster.Resolve(fakeBoundParameters);
        if (cluster is null)
            return [];
        try
        {
            var tasks = cluster.Tasks.ListAsync().WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            return CompletionCluster.Complete(tasks.Select(t => t.Id), wordToComplete);
        }
        catch (Exception e) when (e is TimeoutException || PvcErrorRecords.IsReportable(e))
        {
            return [];
        }
    }
}
