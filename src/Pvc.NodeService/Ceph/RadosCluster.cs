using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Pvc.NodeService.Ceph.Native;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// One connection to a Ceph cluster through librados, as PVC's keepalive holds one: the monitors' commands (JSON in,
/// JSON out, the same commands the <c>ceph</c> tool sends) and pools' I/O contexts for librbd. Thread-safe (librados
/// is); its calls block, so each runs on the thread pool. Every call has <see cref="CephClientOptions.OperationTimeout"/>.
/// </summary>
public sealed class RadosCluster : IDisposable
{
    private readonly RadosClusterHandle _handle;

    private RadosCluster(RadosClusterHandle handle, CephClientOptions options)
    {
        _handle = handle;
        Options = options;
    }

    /// <summary>How it was connected.</summary>
    public CephClientOptions Options { get; }

    /// <summary>Connects as <see cref="CephClientOptions.ClientName"/> with the cluster's ceph.conf.</summary>
    /// <exception cref="Core.Errors.PvcException">"CephTimeout" when no monitor answers in time, "CephAccessDenied" for a bad key, ...</exception>
    public static Task<RadosCluster> ConnectAsync(CephClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.ClientName.StartsWith("client.", StringComparison.Ordinal))
            throw new ArgumentException($"A Ceph client name begins with 'client.'; '{options.ClientName}' does not.", nameof(options));
        return Task.Run(() =>
        {
            Check(RadosNative.rados_create2(out var handle, "ceph", options.ClientName, 0), "rados_create2", options.ClientName);
            try
            {
                Check(RadosNative.rados_conf_read_file(handle, options.ConfigPath), "reading ceph.conf", options.ConfigPath);
                if (options.KeyringPath is { } keyring)
                    Check(RadosNative.rados_conf_set(handle, "keyring", keyring), "setting the keyring", options.ClientName);
                var seconds = Math.Max(1, (int)Math.Ceiling(options.OperationTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                foreach (var option in new[] { "client_mount_timeout", "rados_mon_op_timeout", "rados_osd_op_timeout" })
                    Check(RadosNative.rados_conf_set(handle, option, seconds), "setting " + option, options.ClientName);
                // librados logs to stderr when its conf names no log file: a daemon's journal gets it
                Check(RadosNative.rados_connect(handle), "connecting to the Ceph monitors", options.ConfigPath);
                return new RadosCluster(handle, options);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Sends one command to the monitors, e.g. <c>{"prefix":"osd pool ls","format":"json"}</c>. Arguments are JSON
    /// values, never a command line: nothing in them is parsed as an option.
    /// </summary>
    /// <returns>The command's output and its status text.</returns>
    /// <exception cref="Core.Errors.PvcException">The monitors refused or failed it.</exception>
    public Task<MonCommandResult> MonCommandAsync(JsonObject command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var json = command.ToJsonString();
        return Task.Run(() =>
        {
            var result = MonCommand(json, out var output, out var status);
            return new MonCommandResult(result, output, status);
        }, cancellationToken);
    }

    /// <summary>Sends one command to the active manager (e.g. <c>{"prefix":"osd status"}</c>), as <see cref="MonCommandAsync"/>.</summary>
    public Task<MonCommandResult> MgrCommandAsync(JsonObject command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var json = command.ToJsonString();
        return Task.Run(() =>
        {
            var result = MonCommand(json, out var output, out var status, manager: true);
            return new MonCommandResult(result, output, status);
        }, cancellationToken);
    }

    /// <summary>A pool's object and I/O counters (<c>rados df</c>'s line of it).</summary>
    /// <exception cref="Core.Errors.PvcException">NotFound: "PoolNotFound".</exception>
    internal Task<RadosNative.RadosPoolStat> PoolStatAsync(string pool, CancellationToken cancellationToken = default) =>
        Task.Run(() =>
        {
            using var io = OpenPool(pool);
            Check(RadosNative.rados_ioctx_pool_stat(io, out var stat), "reading pool counters", pool);
            return stat;
        }, cancellationToken);

    private unsafe int MonCommand(string json, out string output, out string status, bool manager = false)
    {
        var bytes = Encoding.UTF8.GetBytes(json + "\0");
        fixed (byte* p = bytes)
        {
            var commands = stackalloc byte*[1];
            commands[0] = p;
            IntPtr outbuf, outs;
            nuint outlen, outslen;
            var result = manager
                ? RadosNative.rados_mgr_command(_handle, commands, 1, null, 0, out outbuf, out outlen, out outs, out outslen)
                : RadosNative.rados_mon_command(_handle, commands, 1, null, 0, out outbuf, out outlen, out outs, out outslen);
            output = Take(outbuf, outlen);
            status = Take(outs, outslen);
            return result;
        }
    }

    private static string Take(IntPtr buffer, nuint length)
    {
        if (buffer == IntPtr.Zero)
            return "";
        try
        {
            return Marshal.PtrToStringUTF8(buffer, checked((int)length));
        }
        finally
        {
            RadosNative.rados_buffer_free(buffer);
        }
    }

    /// <summary>Opens the pool's I/O context; "PoolNotFound" when there is no such pool.</summary>
    internal IoContextHandle OpenPool(string pool)
    {
        var result = RadosNative.rados_ioctx_create(_handle, pool, out var ioctx);
        if (result == -CephErrors.NotFound)
            throw CephErrors.PoolNotFound(pool);
        Check(result, "opening pool", pool);
        return new IoContextHandle(_handle, ioctx);
    }

    internal static void Check(int result, string operation, string target)
    {
        if (result < 0)
            throw CephErrors.FromErrno(result, operation, target);
    }

    /// <summary>Shuts the connection down once every open pool context is closed.</summary>
    public void Dispose() => _handle.Dispose();
}
