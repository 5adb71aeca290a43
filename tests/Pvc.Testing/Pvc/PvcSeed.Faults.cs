using System.Globalization;
using Pvc.ZooKeeper;

namespace Pvc.Testing.Pvc;

public static partial class PvcSeed
{
    /// <summary>
    /// A fault as PVC's health daemon raises it (<c>/faults/&lt;id&gt;</c>, times UTC without microseconds; first and
    /// last time now unless given).
    /// </summary>
    public static Task AddFaultAsync(ZooKeeperClient zk, string id, int delta, string message, string? firstTime = null, string? lastTime = null,
        string status = "new", string ackTime = "")
    {
        var now = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var p = $"/faults/{id}";
        return zk.MultiAsync(
        [
            Op.Create(p, B("")), Op.Create($"{p}/first_time", B(firstTime ?? now)), Op.Create($"{p}/last_time", B(lastTime ?? now)),
            Op.Create($"{p}/ack_time", B(ackTime)), Op.Create($"{p}/status", B(status)), Op.Create($"{p}/delta", B(I(delta))),
            Op.Create($"{p}/message", B(message)),
        ]);
    }
}
