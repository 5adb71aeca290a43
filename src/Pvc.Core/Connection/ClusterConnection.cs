using System.Globalization;
using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Security;
using Pvc.ZooKeeper;

namespace Pvc.Core.Connection;

/// <summary>
/// An open session with one PVC cluster's ZooKeeper. Every Core operation takes one; the PowerShell
/// module keeps a default one per runspace.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly ZooKeeperClientOptions _clientOptions;
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private volatile ZooKeeperClient _client;

    private ClusterConnection(ZooKeeperClient client, ZooKeeperClientOptions clientOptions, string servers, ClusterCredential? credential, string? name, int? schemaVersion)
    {
        _client = client;
        _clientOptions = clientOptions;
        Servers = servers;
        Credential = credential;
        Name = name;
        SchemaVersion = schemaVersion;
    }

    /// <summary>
    /// The ZooKeeper session (another one after <see cref="RenewExpiredSessionAsync"/>): Core's alone (and its tests'),
    /// so that nothing above Core, a PowerShell script holding the connection included, writes past Core's checks.
    /// </summary>
    internal ZooKeeperClient ZooKeeper => _client;

    /// <summary>The connection string used.</summary>
    public string Servers { get; }

    /// <summary>The cluster's name (the data of <c>/config</c>), or null on an uninitialised ZooKeeper.</summary>
    public string? Name { get; }

    /// <summary>
    /// Which cluster this is, whatever servers or addresses reach it: where its <c>/config</c> was created (the creating
    /// transaction's id and time), read when connecting; null on an uninitialised ZooKeeper. Two connections with the
    /// same identity reach the same cluster (one ensemble and chroot): "hv1:2181,hv2:2181" and "hv2:2181" do.
    /// </summary>
    public string? Identity { get; private set; }

    /// <summary>The cluster's schema version (<c>/schema/version</c>), or null on an uninitialised ZooKeeper.</summary>
    public int? SchemaVersion { get; }

    /// <summary>
    /// Closed (only the cluster's digest users) or open (PVC-compatible) as the ACL of <c>/config</c> says, or null on
    /// an uninitialised ZooKeeper. In a closed cluster every znode this connection creates carries the cluster's ACL.
    /// </summary>
    public ClusterAccessMode? AccessMode { get; private set; }

    /// <summary>The digest user this connection authenticated as, or null for an anonymous connection.</summary>
    public string? User => Credential?.User;

    /// <summary>The connection's credential (kept for the session's re-authentication and to grant it when initialising).</summary>
    internal ClusterCredential? Credential { get; }

    /// <summary>
    /// VM names to UUIDs seen on this connection: a hint that saves listing every VM to find one by name.
    /// Every use checks the name at the UUID, so a stale entry costs a fresh lookup, never a wrong VM.
    /// </summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, Guid> VmNameHints { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The round trips to ZooKeeper this connection has waited for (reads, transactions; requests in flight together
    /// count once), counted from the current session: what an operation cost is the difference of two readings.
    /// </summary>
    public long RoundTrips => _client.RoundTrips;

    /// <summary>The session's state.</summary>
    public ClusterConnectionState State => ZooKeeper.State switch
    {
        ZooKeeperState.Connecting => ClusterConnectionState.Connecting,
        ZooKeeperState.Connected => ClusterConnectionState.Connected,
        ZooKeeperState.Suspended => ClusterConnectionState.Suspended,
        ZooKeeperState.Expired => ClusterConnectionState.Expired,
        _ => ClusterConnectionState.Closed,
    };

    /// <summary>True when the cluster expired the session (see <see cref="RenewExpiredSessionAsync"/>).</summary>
    public bool IsExpired => ZooKeeper.State == ZooKeeperState.Expired;

    /// <summary>True while the session is connected to a server.</summary>
    public bool IsConnected => ZooKeeper.State == ZooKeeperState.Connected;

    /// <summary>True when the connection has been closed (disposed): it is not opened again.</summary>
    public bool IsClosed => ZooKeeper.State == ZooKeeperState.Closed;

    /// <summary>The session's id (another one after <see cref="RenewExpiredSessionAsync"/>).</summary>
    public long SessionId => ZooKeeper.SessionId;

    /// <summary>The ZooKeeper server currently connected to.</summary>
    public string? ConnectedServer => ZooKeeper.ConnectedServer;

    /// <summary>Connects and reads the cluster's name and schema version.</summary>
    /// <exception cref="ArgumentException">The server list is empty or malformed.</exception>
    /// <exception cref="ConnectionLossException">No server answered within the timeout.</exception>
    /// <exception cref="NoAuthException">The cluster is closed and the credentials are missing or not among its users.</exception>
    /// <exception cref="PvcException">InvalidArgument: "InvalidCredential": the user name or password cannot be a digest credential.</exception>
    /// <exception cref="PvcException">InvalidArgument: "InvalidCertificateAuthorityFile": the options' certificate authority file cannot be read.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterConnectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConnectionString parsed;
        try
        {
            parsed = ConnectionString.Parse(options.ConnectionString);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, nameof(options), e);
        }
        var credential = options.User is null ? null : new ClusterCredential(options.User, options.Password ?? "");
        var clientOptions = new ZooKeeperClientOptions
        {
            ConnectTimeout = options.ConnectTimeout,
            SessionTimeout = options.SessionTimeout,
            Auth = credential is null ? [] : [credential.AuthData],
            Tls = options.TlsOptions(),
            Log = options.ClientLog(),
        };
        var client = await ZooKeeperClient.ConnectAsync(parsed.ToString(), clientOptions, cancellationToken);
        try
        {
            // the three reads in flight at once
            var name = ReadOptionalAsync(client, "/config", cancellationToken);
            var version = ReadOptionalAsync(client, "/schema/version", cancellationToken);
            var acl = ReadAclAsync(client, cancellationToken);
            var schema = int.TryParse(await version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null;
            var connection = new ClusterConnection(client, clientOptions, parsed.ToString(), credential, await name, schema);
            if (await acl is { } clusterAcl)
            {
                connection.ApplyAccess(ClusterAcl.ModeOf(clusterAcl.Acl), clusterAcl.Acl);
                connection.Identity = string.Create(CultureInfo.InvariantCulture, $"{clusterAcl.Stat.CreatedZxid:x}-{clusterAcl.Stat.CreatedTime:x}");
            }
            return connection;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// When the session has expired, opens a new one with the same servers, credentials and options, and returns
    /// true; otherwise does nothing and returns false. For clients that hold no ephemeral znodes and no locks (the
    /// PowerShell module), to which an expiry loses nothing: the new session has none of the old one's ephemeral
    /// znodes or watches. A node service must not use it; it starts over with a new connection instead.
    /// </summary>
    /// <exception cref="ConnectionLossException">No server answered within the connect timeout; the connection stays expired.</exception>
    public async Task<bool> RenewExpiredSessionAsync(CancellationToken cancellationToken = default)
    {
        if (_client.State != ZooKeeperState.Expired)
            return false;
        await _renewing.WaitAsync(cancellationToken);
        try
        {
            // another caller may have renewed it while this one waited
            var expired = _client;
            if (expired.State != ZooKeeperState.Expired)
                return false;
            var renewed = await ZooKeeperClient.ConnectAsync(Servers, _clientOptions, cancellationToken);
            renewed.DefaultAcl = expired.DefaultAcl;
            _client = renewed;
            await expired.DisposeAsync();
            return true;
        }
        finally
        {
            _renewing.Release();
        }
    }

    /// <summary>Makes the cluster's ACL the one this connection's creates carry (on connecting, and after an initialisation).</summary>
    internal void ApplyAccess(ClusterAccessMode mode, IReadOnlyList<Acl> acl)
    {
        // an open cluster's znodes stay open whatever /config carries besides world:anyone, as PVC's tools create them
        _client.DefaultAcl = mode == ClusterAccessMode.Open ? Acl.OpenUnsafe : acl;
        AccessMode = mode;
    }

    /// <summary>The ACL of <c>/config</c>, or null when the cluster is not initialised.</summary>
    private static async Task<(IReadOnlyList<Acl> Acl, Stat Stat)?> ReadAclAsync(ZooKeeperClient client, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAclAsync(ClusterAcl.Anchor, cancellationToken);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    private static async Task<string?> ReadOptionalAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            var data = (await client.GetDataAsync(path, cancellationToken: cancellationToken)).Data;
            return data.Length == 0 ? null : Encoding.UTF8.GetString(data);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name is null ? Servers : $"{Name} ({Servers})";

    /// <summary>Closes the session.</summary>
    public async ValueTask DisposeAsync()
    {
        await _renewing.WaitAsync();
        try
        {
            await _client.DisposeAsync();
        }
        finally
        {
            _renewing.Release();
        }
    }
}
