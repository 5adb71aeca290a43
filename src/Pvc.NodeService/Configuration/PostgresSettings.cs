namespace Pvc.NodeService.Configuration;

/// <summary>pvc.conf's <c>database.postgres</c>: the PostgreSQL server the postgres health plugin checks.</summary>
/// <param name="Host"><c>database.postgres.hostname</c>.</param>
/// <param name="Port"><c>database.postgres.port</c>, default 5432.</param>
public sealed record PostgresSettings(string Host, int Port);
