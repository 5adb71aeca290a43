using System.Globalization;

namespace Pvc.NodeService.Health.Plugins;

/// <summary>
/// PVC's <c>psql</c> plugin: the PostgreSQL server of pvc.conf's <c>database.postgres</c> must accept connections
/// (<c>pg_isready</c>, 5 s), else 50. Not loaded where pvc.conf names no PostgreSQL server or pg_isready (Debian's
/// postgresql-client) is not installed. PVC's Patroni membership check has no counterpart: Pvc runs no Patroni.
/// </summary>
internal sealed class PostgresHealthPlugin(string? host, int port, string program = "pg_isready") : IHealthPlugin
{
    /// <summary>PVC's delta for a database that does not answer.</summary>
    public const int UnreachableDelta = 50;

    public string Name => "postgres";

    public Task<string?> SetupAsync(CancellationToken cancellationToken) =>
        Task.FromResult(host is null ? "no PostgreSQL server is configured (database.postgres.hostname in pvc.conf)"
            : !HostCommand.Exists(program) ? $"{program} is not installed (postgresql-client)"
            : null);

    public async Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var result = await HostCommand.RunAsync(program, ["-h", host!, "-p", portText, "-t", "5"], TimeSpan.FromSeconds(10), cancellationToken);
        return result.Succeeded
            ? new HealthPluginOutcome(0, $"PostgreSQL on {host}:{portText} accepts connections")
            : new HealthPluginOutcome(UnreachableDelta, $"PostgreSQL on {host}:{portText} does not accept connections: {(result.Output + result.Error).Trim()}");
    }
}
