using System.Globalization;

namespace Pvc.Testing.Ceph;

/// <summary>
/// The ceph.conf of a <see cref="CephLab"/>: one host on loopback (or on <see cref="CephLabOptions.Address"/>), pools of one copy, every path inside the lab's
/// folder (run, logs, the monitor's cluster log, crash reports: nothing under /var), per-daemon keyrings (a keyring in
/// [global] makes the manager and OSDs load the admin's and fail with "handle_auth_bad_method"), and the settings
/// that keep a one-OSD cluster at HEALTH_OK and quick: the manager reports every second.
/// </summary>
internal static class CephLabConfig
{
    public static string Render(string dir, Guid fsid, string monAddress, CephLabOptions options) => string.Create(CultureInfo.InvariantCulture, $"""
        [global]
        fsid = {fsid}
        mon host = {monAddress}
        public network = {(options.Address == "127.0.0.1" ? "127.0.0.0/8" : options.Address + "/32")}
        auth cluster required = cephx
        auth service required = cephx
        auth client required = cephx
        auth allow insecure global id reclaim = false
        run dir = {dir}/run
        crash dir = {dir}/crash
        pid file = {dir}/run/$name.pid
        osd pool default size = 1
        osd pool default min size = 1
        osd pool default pg num = 8
        osd pool default pgp num = 8
        osd pool default pg autoscale mode = off
        osd crush chooseleaf type = 0
        mon allow pool size one = true
        mon allow pool delete = true
        mon warn on pool no redundancy = false
        mon max pg per osd = 1000
        mon osd min down reporters = 1
        mon data avail warn = 2
        mon data avail crit = 1
        mon cluster log file = {dir}/log/cluster.log
        ms bind ipv6 = false
        mgr stats period = 1
        mon osd report timeout = 60
        [client]
        keyring = {dir}/keyring.admin
        [mon]
        mon data = {dir}/mon/$name
        log file = {dir}/log/$name.log
        [mgr]
        mgr data = {dir}/mgr/$name
        keyring = {dir}/mgr/$name/keyring
        log file = {dir}/log/$name.log
        mgr initial modules = iostat
        [osd]
        osd data = {dir}/osd/$name
        keyring = $osd_data/keyring
        log file = {dir}/log/$name.log
        osd objectstore = {(options.ObjectStore == CephObjectStore.Bluestore ? "bluestore" : "memstore")}
        osd crush update on start = true
        osd memory target = 939524096
        memstore device bytes = 2147483648
        bluestore block create = true
        bluestore block size = {options.BluestoreBlockBytes}
        bluestore fsck on mount = false

        """);
}
