using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

/// <summary>
/// One VM's reads in a <see cref="ZnodeBatch"/>, kept as slot numbers: a listing of 1,000 VMs queues 16,000
/// reads, and finding each result again by its slot instead of by path spares a lookup table and a second
/// path string a read.
/// </summary>
internal sealed class VmSlots
{
    private readonly string _root;
    private int _name, _node, _state, _tags;
    private int _xml = -1, _lastNode, _failedReason, _profile, _stats, _autostart, _migrationMethod, _maxDowntime,
        _nodeSelector, _nodeLimit, _vnc, _snapshots;
    private List<(string Name, int Type, int Protected)>? _tagDetails;
    private string? _xmlText;
    private DomainXml? _parsed;
    private string? _xmlError;

    public VmSlots(Guid uuid)
    {
        Uuid = uuid;
        _root = DomainKeys.Path(uuid);
    }

    public Guid Uuid { get; }

    /// <summary>Queues what a filter looks at: name, node, state and tag names.</summary>
    public void QueueSummary(ZnodeBatch batch)
    {
        _name = batch.DataSlot(_root);
        _node = batch.DataSlot(_root + DomainKeys.Node);
        _state = batch.DataSlot(_root + DomainKeys.State);
        _tags = batch.ChildrenSlot(_root + DomainKeys.Tags);
    }

    /// <summary>Queues the rest of the VM's own keys.</summary>
    public void QueueDetail(ZnodeBatch batch)
    {
        _xml = batch.DataSlot(_root + DomainKeys.Xml);
        _lastNode = batch.DataSlot(_root + DomainKeys.LastNode);
        _failedReason = batch.DataSlot(_root + DomainKeys.FailedReason);
        _profile = batch.DataSlot(_root + DomainKeys.Profile);
        _stats = batch.DataSlot(_root + DomainKeys.Stats);
        _autostart = batch.DataSlot(_root + DomainKeys.Autostart);
        _migrationMethod = batch.DataSlot(_root + DomainKeys.MigrationMethod);
        _maxDowntime = batch.DataSlot(_root + DomainKeys.MigrationMaxDowntime);
        _nodeSelector = batch.DataSlot(_root + DomainKeys.NodeSelector);
        _nodeLimit = batch.DataSlot(_root + DomainKeys.NodeLimit);
        _vnc = batch.DataSlot(_root + DomainKeys.ConsoleVnc);
        _snapshots = batch.ChildrenSlot(_root + DomainKeys.Snapshots);
    }

    /// <summary>Queues each tag's type and protected flag; needs the summary read.</summary>
    public void QueueTagDetail(ZnodeBatch batch)
    {
        var names = TagNames(batch);
        if (names.Count == 0)
            return;
        _tagDetails = new(names.Count);
        foreach (var tag in names)
        {
            var tagRoot = $"{_root}{DomainKeys.Tags}/{tag}";
            _tagDetails.Add((tag, batch.DataSlot(tagRoot + DomainKeys.TagType), batch.DataSlot(tagRoot + DomainKeys.TagProtected)));
        }
    }

    /// <summary>False when the VM's root znode is gone (removed since /domains was listed).</summary>
    public bool Exists(ZnodeBatch batch) => batch.Bytes(_name) is not null;

    public string Name(ZnodeBatch batch) => batch.Text(_name) ?? "";

    public string? Node(ZnodeBatch batch) => PvcText.Decode(batch.Text(_node));

    public VmState State(ZnodeBatch batch) => Wire.VmState.Decode(batch.Text(_state));

    /// <summary>The tag names, lock nodes left out.</summary>
    public List<string> TagNames(ZnodeBatch batch) => [.. LockNodes.Without(batch.ChildrenOf(_tags) ?? [])];

    /// <summary>
    /// Reads the domain XML once its slot is among <paramref name="count"/> slots from <paramref name="first"/>
    /// (see <see cref="ZnodeBatch.ReadAsync(Action{int, int}?, CancellationToken)"/>): the parse, the heavy part of
    /// a VM, then runs while the server still answers the reads of other VMs.
    /// </summary>
    public void ReadXmlIfIn(ZnodeBatch batch, int first, int count)
    {
        if (_xml >= first && _xml < first + count)
            ReadXml(batch);
    }

    private void ReadXml(ZnodeBatch batch)
    {
        var bytes = batch.Bytes(_xml) ?? [];
        try
        {
            _parsed = DomainXml.Parse(bytes);
        }
        catch (PvcException e) when (e.Kind == PvcErrorKind.InvalidArgument)
        {
            _xmlError = e.Message;
        }
        _xmlText = Encoding.UTF8.GetString(bytes);
    }

    /// <summary>The VM from its summary, detail and tag reads (and its XML, parsed now if not yet).</summary>
    public Vm Build(ZnodeBatch batch)
    {
        if (_xmlText is null)
            ReadXml(batch);
        var parsed = _parsed;
        string? Get(int slot) => batch.Text(slot);
        List<VmTag> tags = [];
        foreach (var (tag, type, isProtected) in _tagDetails ?? [])
            tags.Add(new VmTag(tag, PvcText.Decode(Get(type)) ?? "user", PvcBool.Decode(Get(isProtected))));
        tags.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new Vm
        {
            Uuid = Uuid,
            Name = Name(batch),
            State = State(batch),
            Node = Node(batch),
            LastNode = PvcText.Decode(Get(_lastNode)),
            FailedReason = PvcText.Decode(Get(_failedReason)),
            Profile = PvcText.Decode(Get(_profile)),
            Description = parsed?.Description,
            Vcpus = parsed?.Vcpus ?? 0,
            Topology = parsed?.Topology,
            MemoryMiB = parsed?.MemoryMiB ?? 0,
            Disks = parsed?.Disks ?? [],
            Nics = parsed?.Nics ?? [],
            Tags = [.. tags],
            NodeLimit = PvcList.DecodeComma(Get(_nodeLimit)),
            NodeSelector = Wire.NodeSelector.Decode(Get(_nodeSelector)),
            Autostart = PvcBool.Decode(Get(_autostart)),
            MigrationMethod = Wire.MigrationMethod.Decode(Get(_migrationMethod)),
            MigrationMaxDowntime = PvcNumber.DecodeInt(Get(_maxDowntime)) ?? 300,
            Stats = VmStats.Parse(Get(_stats)),
            Snapshots = [.. LockNodes.Without(batch.ChildrenOf(_snapshots) ?? []).Order(StringComparer.Ordinal)],
            Vnc = PvcText.Decode(Get(_vnc)),
            Xml = _xmlText!,
            XmlError = _xmlError,
        };
    }
}
