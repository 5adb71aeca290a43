using System.Text.Json;
using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.NodeService.Storage;

/// <summary>One upload task's scratch folder (<see cref="UploadScratch"/>).</summary>
public sealed class UploadFolder
{
    internal UploadFolder(string path) => Path = path;

    /// <summary>The record of the volume the upload makes: <c>{pool, volume, image_id}</c>.</summary>
    public const string RecordFile = "volume.json";

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Where qemu-img writes the raw bytes.</summary>
    public string ConvertedImage => System.IO.Path.Combine(Path, "image.raw");

    /// <summary>What the record says, or null when there is none.</summary>
    internal sealed record Record(string Pool, string Volume, string? ImageId);

    /// <summary>Records, durably, the volume the upload is about to create (before it is).</summary>
    public void RecordCreating(string pool, string volume) => Write(new JsonObject { ["pool"] = pool, ["volume"] = volume });

    /// <summary>Records, durably, the id of the image the upload created.</summary>
    public void RecordCreated(string pool, string volume, string imageId) =>
        Write(new JsonObject { ["pool"] = pool, ["volume"] = volume, ["image_id"] = imageId });

    /// <summary>Forgets the record: what it names is settled (its keys written, or the image removed).</summary>
    public void ClearRecord() => File.Delete(System.IO.Path.Combine(Path, RecordFile));

    /// <summary>The record, checked (the names as Ceph takes them), or null when there is none.</summary>
    /// <exception cref="JsonException">It cannot be read.</exception>
    /// <exception cref="PvcException">InvalidArgument: a name is not valid.</exception>
    internal Record? ReadRecord()
    {
        var file = System.IO.Path.Combine(Path, RecordFile);
        if (!File.Exists(file))
            return null;
        var json = JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw new JsonException($"{file} holds no JSON object.");
        var pool = json["pool"]?.GetValue<string>() ?? throw new JsonException($"{file} names no pool.");
        var volume = json["volume"]?.GetValue<string>() ?? throw new JsonException($"{file} names no volume.");
        Core.Storage.PoolName.Validate(pool);
        Core.Storage.VolumeName.Validate(volume);
        return new Record(pool, volume, json["image_id"]?.GetValue<string>());
    }

    /// <summary>Deletes the folder.</summary>
    public void Delete() => System.IO.Directory.Delete(Path, recursive: true);

    private void Write(JsonObject record)
    {
        // written aside, flushed to disk, then renamed over: a kill leaves the old record or the new, never half of one
        var file = System.IO.Path.Combine(Path, RecordFile);
        var temporary = file + ".new";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(record.ToJsonString()));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, file, overwrite: true);
    }
}
