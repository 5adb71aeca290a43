using Microsoft.Extensions.Logging.Abstractions;
using System.Diagnostics;
using Pvc.Core.Cluster;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.NodeService.Storage;
using Pvc.NodeService.Tests.Ceph;
using Pvc.NodeService.Tests.Tasks;
using Pvc.Testing.Ceph;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Storage;

/// <summary>
/// volume.upload's work on a node against the real Ceph lab and a real ZooKeeper, through the seam
/// <see cref="StorageWork.ImageChecked"/>: the image file is swapped at its path after the upload checked it, and
/// what goes into the volume is still the file that was checked (opened once), never the one swapped in; the
/// conversion's scratch folder is in the node's upload directory (mode 0700) and goes when the upload ends.
/// </summary>
[Collection(CephLabCollection.Name)]
public sealed class VolumeUploadWorkTests(CephLabFixture fixture, ZooKeeperFixture zk) : IClassFixture<ZooKeeperFixture>, IAsyncLifetime
{
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("pvc-upload-work-");
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("pvc-upload-state-");
    private TaskHandlerNode? _node;

    private TaskHandlerNode Node => _node!;

    private CephLab Lab => fixture.Lab;

    public async Task InitializeAsync()
    {
        _node = await TaskHandlerNode.StartAsync(zk, Lab);
        await new StorageHostOperations(Node.Cluster.Connection).AddPoolAsync(new PoolRequest(CephLab.SharedPool, 8), default);
        await ClusterSettings.ChangeAsync(Node.Cluster.Connection, new ClusterSettingsChange { AllowedDomainXmlPaths = [HostDirectory.Parse(_files.FullName)] });
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
            await _node.DisposeAsync();
        _files.Delete(recursive: true);
        _state.Delete(recursive: true);
    }

    private string Upload => Path.Combine(_state.FullName, "upload");

    private string RandomFile(string name, int bytes, int seed)
    {
        var path = Path.Combine(_files.FullName, name);
        File.WriteAllBytes(path, Bytes(bytes, seed));
        return path;
    }

    private static async Task QemuImgAsync(params string[] args)
    {
        var start = new ProcessStartInfo("qemu-img") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"qemu-img {string.Join(' ', args)}: {await error}");
    }

    /// <summary>A volume of 16 MiB with its keys, made for the upload to write into.</summary>
    private async Task<string> VolumeAsync()
    {
        var name = CephLabFixture.UniqueName("upw");
        var images = await Node.Ceph.ImagesAsync(default);
        await images.CreateAsync(CephLab.SharedPool, name, 16 << 20);
        await new StorageHostOperations(Node.Cluster.Connection).AddVolumeAsync(CephLab.SharedPool, name, await images.ScanAsync(CephLab.SharedPool, name), default);
        return name;
    }

    private async Task<byte[]> ExportAsync(string volume, int length)
    {
        var file = Path.Combine(_files.FullName, $"export-{volume}");
        await Lab.RbdAsync(["export", $"{CephLab.SharedPool}/{volume}", file]);
        var bytes = await File.ReadAllBytesAsync(file);
        File.Delete(file);
        return bytes[..length];
    }

    private async Task UploadAsync(string volume, string path, string format, Func<string, Task> swap)
    {
        var request = new VolumeUploadRequest(CephLab.SharedPool, volume, path, format, false);
        var context = Node.Context(TaskHandlerNode.Claimed("0000cafe", ClusterTaskKinds.VolumeUpload, request.ToArguments()));
        var work = new StorageWork(Node.Cluster.Connection, Node.Ceph, NullLogger.Instance, null, new UploadScratch(Upload)) { ImageChecked = swap };
        await work.ImportVolumeAsync(context, default);
    }

    [Fact]
    public async Task A_qcow2_swapped_for_one_with_a_backing_file_after_the_check_is_not_what_is_converted()
    {
        var original = RandomFile("original.raw", (9 << 20) + 4096, 1);
        var secret = RandomFile("secret.raw", (9 << 20) + 4096, 2);
        var image = Path.Combine(_files.FullName, "disk.qcow2");
        await QemuImgAsync("convert", "-f", "raw", "-O", "qcow2", original, image);
        // the swap: a qcow2 whose backing file is another file of the node (checked, it would be refused)
        var overlay = Path.Combine(_files.FullName, "overlay.qcow2");
        await QemuImgAsync("create", "-f", "qcow2", "-b", secret, "-F", "raw", overlay);
        var volume = await VolumeAsync();
        var swapped = false;
        await UploadAsync(volume, image, "qcow2", path =>
        {
            File.Move(overlay, path, overwrite: true);
            swapped = true;
            return Task.CompletedTask;
        });
        Assert.True(swapped);
        var expected = await File.ReadAllBytesAsync(original);
        var written = await ExportAsync(volume, expected.Length);
        var leaked = await File.ReadAllBytesAsync(secret);
        Assert.False(written.AsSpan().SequenceEqual(leaked), "the backing file of the qcow2 swapped in went into the volume");
        Assert.True(written.AsSpan().SequenceEqual(expected), "the volume does not hold the image that was checked");
        // the conversion's scratch folder was in the node's upload directory, private, and went with the upload
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, OperatingSystem.IsLinux() ? File.GetUnixFileMode(Upload) : default);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Upload));
    }

    [Fact]
    public async Task A_raw_image_swapped_after_the_check_is_not_what_is_written()
    {
        const int length = (5 << 20) + 512;
        var image = RandomFile("first.raw", length, 3);
        var other = RandomFile("second.raw", length, 4);
        var volume = await VolumeAsync();
        await UploadAsync(volume, image, "raw", path =>
        {
            File.Move(other, path, overwrite: true);
            return Task.CompletedTask;
        });
        var written = await ExportAsync(volume, length);
        Assert.False(written.AsSpan().SequenceEqual(Bytes(length, 4)), "the file swapped in went into the volume");
        Assert.True(written.AsSpan().SequenceEqual(Bytes(length, 3)), "the volume does not hold the image that was checked");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Upload));
    }

    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
