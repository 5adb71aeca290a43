using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Pvc.Core.Storage;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Completes volume names: of the pool already bound to <c>-Pool</c>, else of every pool.</summary>
public sealed class VolumeNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var cluster = CompletionCluster.Resolve(fakeBoundParameters);
        if (cluster is null)
            return [];
        var pool = fakeBoundParameters["Pool"] is { } p ? (p is PSObject o ? o.BaseObject : p).ToString() : null;
        try
        {
            var volumes = cluster.Volumes.ListAsync(pool is { Length: > 0 } && PoolName.IsValid(pool) ? pool : null).WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            return CompletionCluster.Complete(volumes.Select(v => v.Name).Distinct(StringComparer.Ordinal), wordToComplete);
        }
        catch (Exception e) when (e is TimeoutException || PvcErrorRecords.IsReportable(e))
        {
            return [];
        }
    }
}
