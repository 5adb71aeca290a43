using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Reading;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// A cmdlet that works on a cluster: the one given with <c>-Cluster</c> (also bound from the <c>Cluster</c> that piped
/// objects carry), else the one an identity's object came from, else the runspace's default. What it emits carries the
/// cluster on (<see cref="ClusterOfObject"/>).
/// </summary>
public abstract class ClusterCmdlet : PvcCmdlet
{
    private ClusterConnection? _given;
    private ClusterConnection? _objectCluster;
    private ClusterConnection? _connection;
    private ClusterConnection? _resolvedFrom;

    /// <summary>The cluster to work on (default: the cluster a piped object came from, else the last one connected in this runspace).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ClusterTransformation]
    [ValidateNotNull]
    public ClusterConnection? Cluster { get; set; }

    /// <summary>
    /// The cluster this input object is worked on in: the one its identity's object came from (see
    /// <see cref="UseClusterOf"/>), else <c>-Cluster</c> (the command line's, or the piped object's for this record),
    /// else the runspace's default. Resolved again whenever that changes: piped objects may come from several clusters.
    /// </summary>
    protected ClusterConnection Connection
    {
        get
        {
            var wanted = _objectCluster ?? Cluster;
            if (_connection is null || !ReferenceEquals(_resolvedFrom, wanted))
            {
                _connection = Resolve(wanted);
                _resolvedFrom = wanted;
            }
            return _connection;
        }
    }

    /// <inheritdoc />
    protected override void BeginProcessing() =>
        _given = Cluster; // what the command line bound; a value bound from a piped object is the object's own, record by record

    /// <summary>
    /// Sets the cluster for this input object: the one its identity's object came from, else <c>-Cluster</c>, else the
    /// default. An explicit <c>-Cluster</c> that is another cluster than the object's is an error ("ClusterMismatch"),
    /// written for this object, and the result is false: the object is acted on in neither.
    /// </summary>
    protected bool UseClusterOf(ClusterConnection? objectCluster, object target)
    {
        _objectCluster = null;
        if (objectCluster is { IsClosed: true })
        {
            // a closed connection is not swapped for another one: that might reach another cluster of the same name
            WriteError(new ErrorRecord(
                new InvalidOperationException($"'{target}' comes from the connection to {objectCluster}, which has been closed. Get the object again from an open connection (Get-PvcVm -Cluster, Get-PvcNode -Cluster)."),
                "ClusterDisconnected", ErrorCategory.ConnectionError, target));
            return false;
        }
        if (objectCluster is not null && _given is not null && !ClusterOfObject.Same(objectCluster, _given))
        {
            WriteError(PvcErrorRecords.Of(
                new ArgumentException($"'{target}' comes from the cluster {objectCluster}, but -Cluster names {_given}. Leave out -Cluster to act where the object came from, or name the object instead of passing it."),
                "ClusterMismatch", ErrorCategory.InvalidArgument, target));
            return false;
        }
        _objectCluster = objectCluster;
        return true;
    }

    /// <summary>Writes an output object carrying the cluster it came from.</summary>
    protected void WriteResult(object item) => WriteObject(ClusterOfObject.Attach(item, Connection));

    /// <summary>Writes output objects, each carrying the cluster it came from.</summary>
    protected void WriteResults<T>(IEnumerable<T> items)
        where T : notnull
    {
        foreach (var item in items)
            WriteResult(item);
    }

    /// <summary>
    /// The one way the Get cmdlets match names: each value a wildcard matched against the whole name, case-insensitively
    /// (a UUID also matches the VM that has it), listed by <paramref name="list"/> (all when no names are given). A value
    /// without wildcards that matches nothing is a non-terminating error, <paramref name="notFoundId"/>.
    /// </summary>
    protected void WriteMatching<T>(IReadOnlyList<string>? names, Func<LimitPattern?, CancellationToken, Task<IReadOnlyList<T>>> list,
        string noun, string notFoundId)
        where T : notnull
    {
        IEnumerable<string?> values = names is { Count: > 0 } ? names.Cast<string?>() : [null];
        foreach (var name in values)
        {
            var pattern = name is null ? null
                : TryAwait(token => Task.FromResult(Guid.TryParse(name, out var _) ? new LimitPattern(name) : LimitPattern.FromWildcard(name)), name);
            if (name is not null && pattern is null)
                continue;
            var before = Connection.RoundTrips;
            if (TryAwait(token => list(pattern, token), name) is not { } found)
                continue;
            Narrate($"Listed {found.Count} {noun}(s){(name is null ? "" : $" matching '{name}'")}", before);
            WriteResults(found);
            if (found.Count == 0 && name is not null && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(PvcErrorRecords.Of(new ItemNotFoundException($"There is no {noun} '{name}'. Without a name, the cmdlet lists them all."),
                    notFoundId, ErrorCategory.ObjectNotFound, name));
        }
    }

    /// <summary>Writes what the cmdlet does and what it cost in round trips to the cluster (Write-Verbose).</summary>
    protected void Narrate(string what, long roundTripsBefore) =>
        WriteVerbose($"{what} [{Connection.RoundTrips - roundTripsBefore} round trip(s) to {Connection}]");

    private ClusterConnection Resolve(ClusterConnection? wanted)
    {
        var connection = wanted ?? DefaultCluster.Get();
        if (connection is null)
            ThrowTerminatingError(PvcErrorRecords.Of(
                new InvalidOperationException("Not connected to a Pvc cluster. Run Connect-PvcCluster first, or pass -Cluster."),
                "NotConnected", ErrorCategory.ConnectionError, null));
        // the module holds no ephemeral znodes between commands, so a session the cluster expired (a laptop asleep, a
        // network outage) is replaced rather than reported on every command until the user connects again
        if (connection!.IsExpired && AwaitOrThrow(connection.RenewExpiredSessionAsync, connection.Servers))
            WriteWarning($"The ZooKeeper session with {connection} had expired; a new session was opened (0x{connection.SessionId:x}).");
        WriteVerbose($"Cluster: {connection}{(wanted is null ? " (the default connection)" : ReferenceEquals(wanted, _given) ? "" : " (the input object's)")}");
        return connection;
    }
}
