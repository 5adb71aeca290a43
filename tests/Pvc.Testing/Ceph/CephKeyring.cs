using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Pvc.Testing.Ceph;

/// <summary>
/// A cephx keyring file: entities with their secret keys and capabilities, written with mode 0600 from the moment the
/// file exists (a key is a password to the cluster). Keys are made here rather than by <c>ceph-authtool</c>: one
/// process spawn less per entity on a lab start, and the format is Ceph's own (<see cref="NewKey"/>).
/// </summary>
public sealed class CephKeyring
{
    private readonly List<(string Entity, string Key, IReadOnlyList<(string Service, string Cap)> Caps)> _entries = [];

    /// <summary>Adds an entity (<c>client.admin</c>, <c>osd.0</c>, ...) with a new key and its capabilities.</summary>
    public CephKeyring Add(string entity, params (string Service, string Cap)[] caps)
    {
        _entries.Add((entity, NewKey(), caps));
        return this;
    }

    /// <summary>The entries of <paramref name="entities"/> as a keyring of their own.</summary>
    public CephKeyring Only(params string[] entities)
    {
        var keyring = new CephKeyring();
        keyring._entries.AddRange(_entries.Where(e => entities.Contains(e.Entity)));
        return keyring;
    }

    /// <summary>Writes the keyring, readable and writable by the owner only.</summary>
    public void Write(string path)
    {
        var text = new StringBuilder();
        foreach (var (entity, key, caps) in _entries)
        {
            text.Append('[').Append(entity).Append("]\n\tkey = ").Append(key).Append('\n');
            foreach (var (service, cap) in caps)
                text.Append("\tcaps ").Append(service).Append(" = \"").Append(cap).Append("\"\n");
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
    }

    /// <summary>
    /// A new cephx secret as Ceph encodes it (CryptoKey): type 1 (AES) as u16, the creation time as u32 seconds and u32
    /// nanoseconds, the secret's length as u16, then 16 random bytes; all little-endian, in base64.
    /// </summary>
    public static string NewKey()
    {
        Span<byte> key = stackalloc byte[28];
        BinaryPrimitives.WriteUInt16LittleEndian(key, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(key[2..], (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        BinaryPrimitives.WriteUInt32LittleEndian(key[6..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(key[10..], 16);
        RandomNumberGenerator.Fill(key[12..]);
        return Convert.ToBase64String(key);
    }
}
