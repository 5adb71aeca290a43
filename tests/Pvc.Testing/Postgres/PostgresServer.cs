using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Pvc.Testing.Lab;

namespace Pvc.Testing.Postgres;

/// <summary>
/// A private PostgreSQL 15 server for one test: initdb into a temporary directory (as the <c>postgres</c> user, which
/// initdb requires), then the postmaster as a plain process listening on a Unix socket only (no TCP port to collide
/// with another run; a socket path also reaches processes in other network namespaces, such as PowerDNS on a lab
/// node). Passwords are checked (scram-sha-256). Stopped by PID (SIGINT: a fast shutdown) and its directory removed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Where Debian's PostgreSQL 15 programs are.</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>PowerDNS's gpgsql schema, from Debian's pdns-backend-pgsql.</summary>
    public const string PowerDnsSchema = "/usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql";

    private readonly Process _postmaster;
    private readonly string _directory;

    private PostgresServer(Process postmaster, string directory, string socketDirectory, int port, string superPassword)
    {
        _postmaster = postmaster;
        _directory = directory;
        SocketDirectory = socketDirectory;
        Port = port;
        SuperuserPassword = superPassword;
    }

    /// <summary>The directory of the server's Unix socket: the host name libpq and Npgsql take.</summary>
    public string SocketDirectory { get; }

    /// <summary>The port (it names the socket file; nothing listens on TCP).</summary>
    public int Port { get; }

    /// <summary>The password of the superuser <c>postgres</c>.</summary>
    public string SuperuserPassword { get; }

    /// <summary>A connection string for <paramref name="database"/> as <paramref name="user"/>.</summary>
    public string ConnectionString(string database = "postgres", string user = "postgres", string? password = null) => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory, Port = Port, Database = database, Username = user, Password = password ?? SuperuserPassword, Pooling = false, Timeout = 5,
    }.ConnectionString;

    /// <summary>Starts a server; ready when it accepts a connection.</summary>
    /// <exception cref="InvalidOperationException">initdb or the server failed (the message has their output).</exception>
    public static async Task<PostgresServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("pvc-pg-").FullName;
        // the postgres user must reach its data and socket directories below it
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        var sockets = Path.Combine(directory, "sock");
        Directory.CreateDirectory(sockets);
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var passwordFile = Path.Combine(directory, "pw");
        File.WriteAllText(passwordFile, password);
        LabCommand.Run("chown", "-R", "postgres:postgres", directory);
        var data = Path.Combine(directory, "data");
        var (code, output, error) = LabCommand.TryRun("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--",
            Path.Combine(BinDirectory, "initdb"), "-D", data, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={passwordFile}", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
            TimeSpan.FromSeconds(60));
        File.Delete(passwordFile);
        if (code != 0)
        {
            Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException($"initdb failed ({code}): {output}{error}");
        }
        var port = 20000 + Random.Shared.Next(40000);
        var start = new ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--", Path.Combine(BinDirectory, "postgres"), "-D", data,
                     "-p", port.ToString(CultureInfo.InvariantCulture), "-k", sockets, "-c", "listen_addresses=", "-c", "fsync=off",
                     "-c", "synchronous_commit=off", "-c", "full_page_writes=off" })
            start.ArgumentList.Add(arg);
        var postmaster = Process.Start(start) ?? throw new InvalidOperationException("postgres did not start");
        var log = new System.Text.StringBuilder();
        postmaster.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        postmaster.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        postmaster.BeginOutputReadLine();
        postmaster.BeginErrorReadLine();
        var server = new PostgresServer(postmaster, directory, sockets, port, password);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(server.ConnectionString());
                await connection.OpenAsync();
                return server;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
            {
                if (postmaster.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(30))
                {
                    await server.DisposeAsync();
                    lock (log)
                        throw new InvalidOperationException($"PostgreSQL did not accept connections: {e.Message}\n{log}");
                }
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Runs <paramref name="sql"/> (one or more statements) in <paramref name="database"/> as the superuser.</summary>
    public async Task ExecuteAsync(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// PVC's DNS database as its Ansible role makes it: a login role <paramref name="user"/> with
    /// <paramref name="password"/>, a database <paramref name="database"/> it owns, and PowerDNS's gpgsql schema in it
    /// (loaded as that role, so it owns the tables).
    /// </summary>
    public async Task CreatePowerDnsDatabaseAsync(string database, string user, string password)
    {
        // names are the test's own constants; the password goes as a literal with quotes doubled
        await ExecuteAsync($"CREATE ROLE \"{user}\" LOGIN PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'");
        await ExecuteAsync($"CREATE DATABASE \"{database}\" OWNER \"{user}\"");
        await using var connection = new NpgsqlConnection(ConnectionString(database, user, password));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(PowerDnsSchema), connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Stops the server (fast shutdown, SIGKILL after 10 s) and removes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_postmaster.HasExited)
        {
            LabCommand.Signal(_postmaster.Id, "INT");
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _postmaster.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _postmaster.Kill(entireProcessTree: true);
                await _postmaster.WaitForExitAsync();
            }
        }
        _postmaster.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a socket file the server had not removed yet; the directory is in /tmp
        }
    }
}
