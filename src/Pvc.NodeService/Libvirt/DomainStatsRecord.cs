namespace Pvc.NodeService.Libvirt;

/// <summary>
/// One domain's statistics from libvirt's bulk call (<c>virConnectGetAllDomainStats</c>), as libvirt names them
/// (<c>state.state</c>, <c>cpu.time</c>, <c>balloon.current</c>, <c>block.0.rd.bytes</c>, <c>net.0.name</c>, ...).
/// </summary>
/// <param name="Uuid">The domain.</param>
/// <param name="Name">Its name.</param>
/// <param name="Numbers">The numeric fields (integers; a double is truncated).</param>
/// <param name="Texts">The string fields (device names and paths).</param>
public sealed record DomainStatsRecord(Guid Uuid, string Name, IReadOnlyDictionary<string, ulong> Numbers, IReadOnlyDictionary<string, string> Texts)
{
    /// <summary>A numeric field, or null.</summary>
    public long? Number(string field) => Numbers.TryGetValue(field, out var v) ? (long)Math.Min(v, long.MaxValue) : null;

    /// <summary>A string field, or null.</summary>
    public string? Text(string field) => Texts.GetValueOrDefault(field);
}
