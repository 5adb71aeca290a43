using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pvc.Core.Networks;
using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Networks;

/// <summary>
/// PVC's DNS aggregator on the primary: PowerDNS (<c>pdns_server</c> with the gpgsql backend) serving every managed
/// network's domain as a zone from PostgreSQL, on the cluster's floating addresses, port 53. Each network's zone row
/// (MASTER, account "internal") gets PVC's SOA and NS records when it is first made; the zone's A and AAAA records are
/// kept in step with the network's dnsmasq (authoritative for the domain) by zone transfers (<c>dig AXFR</c> from the
/// gateway, as PVC's AXFR thread does with dnspython): stale rows go, new ones come, and the SOA serial goes up on a
/// change. The database password goes to PowerDNS in a 0600 configuration file under the run directory, never on a
/// command line or in the log.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class DnsAggregator(DnsDatabaseSettings database, IReadOnlyList<IPAddress> listen, string runDirectory, string? netns, ILogger log) : IAsyncDisposable
{
    /// <summary>The account PVC marks its zones with: only zones of this account are removed when their network goes.</summary>
    public const string Account = "internal";

    private readonly NpgsqlDataSource _data = new NpgsqlDataSourceBuilder(ConnectionString(database)).Build();
    private CancellationTokenSource? _stop;
    private Task? _server;
    private int _pid;

    /// <summary>Npgsql's connection string for <paramref name="settings"/> (the password included: never log it).</summary>
    public static string ConnectionString(DnsDatabaseSettings settings) => new NpgsqlConnectionStringBuilder
    {
        Host = settings.Host,
        Port = settings.Port,
        Database = settings.Database,
        Username = settings.User,
        Password = settings.Password,
        Timeout = 5,
        // a pooled connection to a PostgreSQL that moved (Patroni) is thrown away at the next error
        Pooling = true,
    }.ConnectionString;

    /// <summary>The directory of PowerDNS's configuration and control socket.</summary>
    private string Directory => Path.Combine(runDirectory, "pdns");

    /// <summary>Whether pdns_server is running (started and not ended).</summary>
    public bool IsRunning => _server is { IsCompleted: false };

    /// <summary>Starts pdns_server when it is not running; one that ended is started again.</summary>
    public void EnsureStarted(Action ended)
    {
        if (IsRunning)
            return;
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        System.IO.Directory.CreateDirectory(Directory, ownerOnly);
        var config = Path.Combine(Directory, "pdns.conf");
        // written 0600 from the start: the password is never readable by others, not even for a moment
        using (var stream = new FileStream(config, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            writer.Write(Configuration());
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _stop?.Dispose();
        _stop = new CancellationTokenSource();
        _server = RunServerAsync(ended, _stop.Token);
        log.LogInformation("Started the DNS aggregator (PowerDNS) on {Addresses}, port 53, over PostgreSQL {Host}:{Port}/{Database}",
            string.Join(", ", listen), database.Host, database.Port, database.Database);
    }

    /// <summary>PowerDNS's settings, PVC's flags as a configuration file (the database password among them).</summary>
    private string Configuration()
    {
        static string Line(string key, string value) => $"{key}={value}\n";
        var text = new StringBuilder()
            .Append(Line("launch", "gpgsql"))
            .Append(Line("gpgsql-host", database.Host))
            .Append(Line("gpgsql-port", database.Port.ToString(CultureInfo.InvariantCulture)))
            .Append(Line("gpgsql-dbname", database.Database))
            .Append(Line("gpgsql-user", database.User))
            .Append(Line("gpgsql-dnssec", "no"))
            .Append(Line("daemon", "no"))
            .Append(Line("guardian", "no"))
            .Append(Line("disable-syslog", "yes"))
            .Append(Line("disable-axfr", "no"))
            .Append(Line("allow-axfr-ips", "0.0.0.0/0,::/0"))
            .Append(Line("local-address", string.Join(',', listen)))
            .Append(Line("local-port", "53"))
            .Append(Line("primary", "yes"))
            .Append(Line("secondary", "yes"))
            .Append(Line("secondary-do-renotify", "yes"))
            .Append(Line("version-string", "powerdns"))
            .Append(Line("default-soa-content", $"dns.pvc.local hostmaster.@ 0 10800 3600 604800 3600"))
            .Append(Line("socket-dir", Directory))
            // no outbound look-up of PowerDNS's security status on start
            .Append(Line("security-poll-suffix", ""))
            .Append(Line("loglevel", "4"));
        if (database.Password is { } password)
            text.Append(Line("gpgsql-password", password));
        return text.ToString();
    }

    private async Task RunServerAsync(Action ended, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> command = netns is { } ns
            ? ["ip", "netns", "exec", ns, "pdns_server", $"--config-dir={Directory}"]
            : ["pdns_server", $"--config-dir={Directory}"];
        var errors = new StringBuilder();
        var started = Stopwatch.StartNew();
        try
        {
            var running = Cli.Wrap(command[0]).WithArguments(command.Skip(1))
                .WithValidation(CommandResultValidation.None)
                .WithStandardErrorPipe(PipeTarget.Merge(PipeTarget.ToStringBuilder(errors), PipeTarget.ToDelegate(line => log.LogDebug("pdns: {Line}", line))))
                .WithStandardOutputPipe(PipeTarget.ToDelegate(line => log.LogDebug("pdns: {Line}", line)))
                .ExecuteAsync(cancellationToken);
            _pid = running.ProcessId;
            var result = await running;
            log.LogWarning("The DNS aggregator (pdns_server) ended ({Code}): {Errors}; starting it again", result.ExitCode, Tail(errors.ToString()));
            await Task.Delay(started.Elapsed < TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(200), cancellationToken);
            ended();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
    }

    /// <summary>Whether <paramref name="pid"/> is a live process (a zombie, whose command line is empty, is not).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Length > 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Tail(string text) => text.Length > 2000 ? text[^2000..].Trim() : text.Trim();

    /// <summary>Stops pdns_server and waits for it to end.</summary>
    public async Task StopAsync()
    {
        if (_stop is null || _server is null)
            return;
        await _stop.CancelAsync();
        await _server.ContinueWith(_ => { }, TaskScheduler.Default);
        _server = null;
        // the process is killed on cancellation, but the cancelled run may end before the kernel is done with it: the
        // next primary's PowerDNS must not start while this one still holds the address
        var deadline = Stopwatch.StartNew();
        while (_pid > 0 && IsAlive(_pid) && deadline.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(10);
        if (_pid > 0 && IsAlive(_pid))
            log.LogError("PowerDNS {Pid} did not end within 10 s of being killed", _pid);
        log.LogInformation("Stopped the DNS aggregator");
    }

    /// <summary>
    /// Makes each network's zone as PVC does when it is missing (a MASTER domain of account "internal", the SOA
    /// <c>nsX.&lt;upstream domain&gt; root.&lt;upstream domain&gt; 1 10800 1800 86400 86400</c>, and NS records: the network's
    /// name servers, or <c>pvc-dns.&lt;upstream domain&gt;</c>), and removes the zones of account "internal" no network has.
    /// </summary>
    public async Task SyncZonesAsync(IReadOnlyList<Network> networks, CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<string, Network>(StringComparer.OrdinalIgnoreCase);
        foreach (var network in networks)
            wanted.TryAdd(NetworkValidation.ServedDomain(network), network);
        await using var connection = await _data.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var existing = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        await using (var read = new NpgsqlCommand("SELECT id, name FROM domains WHERE account = @account", connection, transaction))
        {
            read.Parameters.AddWithValue("account", Account);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                existing[reader.GetString(1)] = reader.GetInt32(0);
        }
        foreach (var (domain, id) in existing.Where(e => !wanted.ContainsKey(e.Key)))
        {
            await using var delete = new NpgsqlCommand("DELETE FROM records WHERE domain_id = @id; DELETE FROM domains WHERE id = @id", connection, transaction);
            delete.Parameters.AddWithValue("id", id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
            log.LogInformation("Removed the DNS zone {Domain}: its network is gone", domain);
        }
        foreach (var (domain, network) in wanted.Where(w => !existing.ContainsKey(w.Key)))
        {
            int id;
            await using (var find = new NpgsqlCommand("SELECT id FROM domains WHERE name = @name", connection, transaction))
            {
                find.Parameters.AddWithValue("name", domain);
                if (await find.ExecuteScalarAsync(cancellationToken) is int taken)
                {
                    // a zone of that name made by someone else (another account) is theirs: PVC leaves it alone too
                    log.LogWarning("The DNS zone {Domain} exists in the database but is not PVC's (account is not {Account}): it is left as it is", domain, Account);
                    continue;
                }
            }
            await using (var insert = new NpgsqlCommand("INSERT INTO domains (name, type, account, notified_serial) VALUES (@name, 'MASTER', @account, 0) RETURNING id", connection, transaction))
            {
                insert.Parameters.AddWithValue("name", domain);
                insert.Parameters.AddWithValue("account", Account);
                id = (int)(await insert.ExecuteScalarAsync(cancellationToken))!;
            }
            var upstream = database.UpstreamDomain;
            await InsertRecordAsync(connection, transaction, id, domain, "SOA", $"nsX.{upstream} root.{upstream} 1 10800 1800 86400 86400", 86400, cancellationToken);
            IEnumerable<string> servers = network.NameServers.Count > 0 ? network.NameServers : [$"pvc-dns.{upstream}"];
            foreach (var server in servers)
                await InsertRecordAsync(connection, transaction, id, domain, "NS", server, 86400, cancellationToken);
            log.LogInformation("Added the DNS zone {Domain} of network {Vni}", domain, network.Vni);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task InsertRecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int domainId, string name, string type, string content, int ttl, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth) VALUES (@domain, @name, @type, @content, @ttl, 0, false, true)", connection, transaction);
        insert.Parameters.AddWithValue("domain", domainId);
        insert.Parameters.AddWithValue("name", name);
        insert.Parameters.AddWithValue("type", type);
        insert.Parameters.AddWithValue("content", content);
        insert.Parameters.AddWithValue("ttl", ttl);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// One zone transfer from the network's dnsmasq, and its A and AAAA records made the zone's in the database:
    /// rows no longer transferred (or changed) are deleted, new ones inserted, and the SOA serial is raised when
    /// anything changed, in one transaction. False when the transfer failed (dnsmasq not up yet); the zone stays as it was.
    /// </summary>
    public async Task<bool> TransferAsync(Network network, CancellationToken cancellationToken)
    {
        if (network.Ip4Gateway is not { } gateway)
            return false;
        var domain = NetworkValidation.ServedDomain(network);
        var transferred = await AxfrAsync(domain, gateway, cancellationToken);
        if (transferred is null)
            return false;
        await using var connection = await _data.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int id;
        await using (var find = new NpgsqlCommand("SELECT id FROM domains WHERE name = @name AND account = @account", connection, transaction))
        {
            find.Parameters.AddWithValue("name", domain);
            find.Parameters.AddWithValue("account", Account);
            if (await find.ExecuteScalarAsync(cancellationToken) is not int found)
                return false;
            id = found;
        }
        var stored = new List<(long Id, ZoneRecord Record)>();
        await using (var read = new NpgsqlCommand("SELECT id, name, type, content, ttl FROM records WHERE domain_id = @id AND type IN ('A', 'AAAA')", connection, transaction))
        {
            read.Parameters.AddWithValue("id", id);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                stored.Add((reader.GetInt64(0), new ZoneRecord(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4))));
        }
        var wanted = transferred.ToHashSet();
        var stale = stored.Where(s => !wanted.Contains(s.Record)).ToList();
        var added = wanted.Except(stored.Select(s => s.Record)).ToList();
        if (stale.Count == 0 && added.Count == 0)
            return true;
        foreach (var (rowId, _) in stale)
        {
            await using var delete = new NpgsqlCommand("DELETE FROM records WHERE id = @id", connection, transaction);
            delete.Parameters.AddWithValue("id", rowId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var record in added)
            await InsertRecordAsync(connection, transaction, id, record.Name, record.Type, record.Content, record.Ttl, cancellationToken);
        await RaiseSerialAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        log.LogInformation("DNS zone {Domain}: {Added} record(s) added, {Removed} removed", domain, added.Count, stale.Count);
        return true;
    }

    /// <summary>Adds one to the serial (the third field) of the zone's SOA record.</summary>
    private static async Task RaiseSerialAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int domainId, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand("SELECT id, content FROM records WHERE domain_id = @id AND type = 'SOA'", connection, transaction);
        read.Parameters.AddWithValue("id", domainId);
        long? soaId = null;
        string? content = null;
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
                (soaId, content) = (reader.GetInt64(0), reader.GetString(1));
        }
        if (soaId is null || content is null)
            return;
        var fields = content.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3 || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var serial))
            return;
        fields[2] = ((serial + 1) % 4294967296L).ToString(CultureInfo.InvariantCulture);
        await using var update = new NpgsqlCommand("UPDATE records SET content = @content WHERE id = @id", connection, transaction);
        update.Parameters.AddWithValue("content", string.Join(' ', fields));
        update.Parameters.AddWithValue("id", soaId.Value);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The A and AAAA records of <paramref name="domain"/> as dnsmasq at <paramref name="server"/> transfers them; null when the transfer failed.</summary>
    private async Task<IReadOnlyList<ZoneRecord>?> AxfrAsync(string domain, IPAddress server, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> dig = ["dig", "+noall", "+answer", "+time=5", "+tries=1", "AXFR", domain, $"@{server}"];
        IReadOnlyList<string> command = netns is { } ns ? ["ip", "netns", "exec", ns, .. dig] : dig;
        var result = await Cli.Wrap(command[0]).WithArguments(command.Skip(1)).WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);
        // a refused or failed transfer prints "; Transfer failed." and no SOA
        if (result.ExitCode != 0 || !result.StandardOutput.Contains("\tSOA\t", StringComparison.Ordinal))
        {
            log.LogDebug("The zone transfer of {Domain} from {Server} failed: {Output}", domain, server, (result.StandardOutput + result.StandardError).Trim());
            return null;
        }
        return ZoneRecord.ParseDig(result.StandardOutput, domain);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop?.Dispose();
        await _data.DisposeAsync();
    }
}
