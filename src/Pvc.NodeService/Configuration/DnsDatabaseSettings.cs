namespace Pvc.NodeService.Configuration;

/// <summary>
/// The PowerDNS aggregator's database (pvc.conf's <c>database.postgres</c>: <c>hostname</c>, <c>port</c> and
/// <c>credentials.dns</c> with <c>database</c>, <c>username</c> and <c>password</c>, PVC's keys and defaults), and
/// the upstream domain its zones' SOA and NS records name (<c>cluster.networks.upstream.domain</c>). A hostname that
/// starts with '/' is the directory of PostgreSQL's Unix socket, as libpq takes it. The password is never logged:
/// <see cref="ToString"/> masks it and the node's log redactor is given it.
/// </summary>
public sealed record DnsDatabaseSettings
{
    /// <summary><c>database.postgres.hostname</c>.</summary>
    public required string Host { get; init; }

    /// <summary><c>database.postgres.port</c>, default 5432.</summary>
    public int Port { get; init; } = 5432;

    /// <summary><c>database.postgres.credentials.dns.database</c>, default pvcdns.</summary>
    public string Database { get; init; } = "pvcdns";

    /// <summary><c>database.postgres.credentials.dns.username</c>, default pvcdns.</summary>
    public string User { get; init; } = "pvcdns";

    /// <summary><c>database.postgres.credentials.dns.password</c>.</summary>
    public string? Password { get; init; }

    /// <summary><c>cluster.networks.upstream.domain</c>, default pvc.local: the zones' SOA is <c>nsX.&lt;it&gt;</c> and their default NS <c>pvc-dns.&lt;it&gt;</c>.</summary>
    public string UpstreamDomain { get; init; } = "pvc.local";

    /// <inheritdoc />
    public override string ToString() =>
        $"DnsDatabaseSettings {{ Host = {Host}, Port = {Port}, Database = {Database}, User = {User}, Password = {(Password is null ? "" : "***")}, UpstreamDomain = {UpstreamDomain} }}";
}
