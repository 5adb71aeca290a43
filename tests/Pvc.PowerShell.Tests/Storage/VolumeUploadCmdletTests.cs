using System.Text.Json;
using System.Text.Json.Nodes;
using System.Diagnostics;
using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.Testing.Ceph;

namespace Pvc.PowerShell.Tests.Storage;

/// <summary>
/// Import-PvcVolume (PVC's storage volume upload) against real Ceph: the primary's node service reads the image file
/// by its path (the test's files are on the same host), writes raw bytes straight into the RBD image with librbd and
/// converts other formats with qemu-img first; what the volume holds is read back with <c>rbd export</c>.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class VolumeUploadCmdletTests(StorageCluster cluster) : IDisposable
{
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("pvc-upload-test-");

    // the node service reads an image only under a directory the cluster allows host paths in: the tests' files are in /tmp
    private readonly bool _allowed = cluster.Ps.Run("Set-PvcCluster -AllowDomainXmlPath /tmp").ThrowIfErrors() is not null;

    private static string ErrorId(System.Management.Automation.ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    private string Refused(string script, params object[] args)
    {
        var result = cluster.Ps.Run(script, args);
        Assert.True(result.Errors.Count == 1, $"expected one error from '{script}', got {result.Errors.Count}: {string.Join("; ", result.Errors)}");
        return ErrorId(result.Errors[0]);
    }

    /// <summary>A raw image of random bytes with a run of zeros in it and a length that is no whole number of chunks.</summary>
    private string RawImage(string name, int mebibytes)
    {
        var bytes = new byte[(mebibytes << 20) + 4096];
        new Random(mebibytes).NextBytes(bytes);
        Array.Clear(bytes, 4 << 20, 4 << 20);
        var path = Path.Combine(_files.FullName, name);
        File.WriteAllBytes(path, bytes);
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

    private async Task<byte[]> ExportAsync(string pool, string volume)
    {
        var file = Path.Combine(_files.FullName, $"export-{volume}");
        await cluster.Ceph.RbdAsync(["export", $"{pool}/{volume}", file]);
        var bytes = await File.ReadAllBytesAsync(file);
        File.Delete(file);
        return bytes;
    }

    [Fact]
    public async Task A_raw_image_goes_in_as_it_is_into_a_volume_made_of_its_size_with_progress_shown()
    {
        var pool = await cluster.NewPoolAsync("upl");
        var raw = RawImage("disk.raw", 40);
        var run = cluster.Ps.Run("Import-PvcVolume $args[0] disk $args[1] -Timeout 300", pool, raw).ThrowIfErrors();
        var volume = run.OutputOf<Volume>().Single();
        Assert.Equal(new FileInfo(raw).Length, volume.Stats!.SizeBytes);
        Assert.Equal(await File.ReadAllBytesAsync(raw), await ExportAsync(pool, "disk"));
        // the task's progress reached the session, to its end (the node's "writing" reports in between are read when
        // the session's watch fires: a fast write can be done before it reads one, as a fresh-clone run saw)
        Assert.Contains(run.Progress, p => p.Activity.Contains($"to volume {pool}/disk", StringComparison.Ordinal) && p.PercentComplete == 100);
        Assert.Contains(run.Progress, p => p.Activity.Contains($"to volume {pool}/disk", StringComparison.Ordinal) && p.RecordType == System.Management.Automation.ProgressRecordType.Completed);

        // into a volume that exists: at least the image's size, its start overwritten
        cluster.Ps.Run("New-PvcVolume $args[0] small 4M -Timeout 120", pool).ThrowIfErrors();
        Assert.Equal("ImageTooLarge", Refused("Import-PvcVolume $args[0] small $args[1] -Timeout 300", pool, raw));
        cluster.Ps.Run("New-PvcVolume $args[0] big 64M -Timeout 120", pool).ThrowIfErrors();
        var big = cluster.Ps.Run("Import-PvcVolume $args[0] big $args[1] -Timeout 300", pool, raw).ThrowIfErrors().OutputOf<Volume>().Single();
        Assert.Equal(64L << 20, big.Stats!.SizeBytes);
        var exported = await ExportAsync(pool, "big");
        Assert.Equal(await File.ReadAllBytesAsync(raw), exported.AsSpan(0, (int)new FileInfo(raw).Length).ToArray());

        // -WhatIf: no task, no volume
        cluster.Ps.Run("Import-PvcVolume $args[0] notmade $args[1] -WhatIf", pool, raw).ThrowIfErrors();
        Assert.DoesNotContain("notmade", JsonSerializer.Deserialize<string[]>(await cluster.Ceph.RbdAsync(["ls", "--format", "json", pool]))!);
        Assert.DoesNotContain(await cluster.Connection.Tasks.ListAsync(), t => t.Arguments["volume"]?.ToString() == "notmade");
        cluster.Ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task A_qcow2_image_is_converted_and_one_with_a_backing_file_is_refused()
    {
        var pool = await cluster.NewPoolAsync("upq");
        var raw = RawImage("source.raw", 9);
        var qcow2 = Path.Combine(_files.FullName, "disk.qcow2");
        await QemuImgAsync("convert", "-f", "raw", "-O", "qcow2", raw, qcow2);
        var volume = cluster.Ps.Run("Import-PvcVolume $args[0] fromqcow $args[1] -Format qcow2 -Timeout 300", pool, qcow2).ThrowIfErrors().OutputOf<Volume>().Single();
        Assert.Equal(new FileInfo(raw).Length, volume.Stats!.SizeBytes);
        Assert.Equal(await File.ReadAllBytesAsync(raw), await ExportAsync(pool, "fromqcow"));
        Assert.Equal(volume.Stats.SizeBytes, (await cluster.Connection.Volumes.GetAsync(pool, "fromqcow")).Stats!.SizeBytes);

        // an image whose backing file is any file of the node (here one the test made) is refused before anything is made
        var overlay = Path.Combine(_files.FullName, "overlay.qcow2");
        await QemuImgAsync("create", "-f", "qcow2", "-b", raw, "-F", "raw", overlay);
        Assert.Equal("ImageHasBackingFile", Refused("Import-PvcVolume $args[0] leak $args[1] -Format qcow2 -Timeout 120", pool, overlay));
        // so is a qcow2 with an external data file
        var external = Path.Combine(_files.FullName, "external.qcow2");
        await QemuImgAsync("create", "-f", "qcow2", "-o", $"data_file={raw},data_file_raw=on", external, "9M");
        Assert.Equal("ImageHasBackingFile", Refused("Import-PvcVolume $args[0] leak $args[1] -Format qcow2 -Timeout 120", pool, external));
        // a file that is not of the format given
        Assert.Equal("ImageUnreadable", Refused("Import-PvcVolume $args[0] leak $args[1] -Format qcow2 -Timeout 120", pool, raw));
        Assert.DoesNotContain("leak", JsonSerializer.Deserialize<string[]>(await cluster.Ceph.RbdAsync(["ls", "--format", "json", pool]))!);
        Assert.Equal(PvcErrorIds.VolumeNotFound, (await Assert.ThrowsAsync<PvcException>(() => cluster.Connection.Volumes.GetAsync(pool, "leak"))).ErrorId);
        cluster.Ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task A_bad_path_or_format_is_an_error_record_and_nothing_is_made()
    {
        var pool = await cluster.NewPoolAsync("upb");
        foreach (var path in new[] { "relative/disk.raw", "/srv/../etc/shadow", "/tmp/a b.raw", "/tmp/x;rm -rf", "/tmp/-o.raw", "rbd:pool/vol", "/tmp/dir/" })
            Assert.Equal("InvalidImagePath", Refused("Import-PvcVolume $args[0] v $args[1]", pool, path));
        // a file outside the directories the cluster allows host paths in: no task reads it as root
        Assert.True(_allowed);
        Assert.Equal("ImagePathNotAllowed", Refused("Import-PvcVolume $args[0] v /etc/hostname -Timeout 120", pool));
        Assert.Equal("ImagePathNotAllowed", Refused("Import-PvcVolume $args[0] v /dev/null -Timeout 120", pool));
        // checked on the node: missing, or no regular file
        Assert.Equal("ImageNotFound", Refused("Import-PvcVolume $args[0] v /tmp/nonexistent/disk.raw -Timeout 120", pool));
        Assert.Equal("ImageNotFound", Refused("Import-PvcVolume $args[0] v $args[1] -Timeout 120", pool, _files.FullName));
        Assert.StartsWith("ParameterArgumentValidationError", Refused("Import-PvcVolume $args[0] v /tmp/disk.iso -Format iso", pool), StringComparison.Ordinal);
        Assert.Equal("PoolNotFound", Refused("Import-PvcVolume nosuchpool v /tmp/disk.raw"));
        Assert.Equal("InvalidVolumeName", Refused("Import-PvcVolume $args[0] 'a@b' /tmp/disk.raw", pool));
        Assert.Empty(JsonSerializer.Deserialize<string[]>(await cluster.Ceph.RbdAsync(["ls", "--format", "json", pool]))!);

        // a task written straight into ZooKeeper with a path that would be an option to qemu-img
        var task = await cluster.Connection.Tasks.SubmitAsync(ClusterTaskKinds.VolumeUpload,
            new JsonObject { ["pool"] = pool, ["volume"] = "v", ["path"] = "--help", ["format"] = "qcow2" });
        Assert.Equal("InvalidImagePath", (await Assert.ThrowsAsync<PvcException>(() => cluster.Connection.Tasks.WaitAsync(task.Id, null, TimeSpan.FromSeconds(60)))).ErrorId);
        // and one naming a file outside the allowed directories, past the cmdlet: the node checks again
        task = await cluster.Connection.Tasks.SubmitAsync(ClusterTaskKinds.VolumeUpload,
            new JsonObject { ["pool"] = pool, ["volume"] = "v", ["path"] = "/etc/ceph/ceph.conf", ["format"] = "raw" });
        Assert.Equal("ImagePathNotAllowed", (await Assert.ThrowsAsync<PvcException>(() => cluster.Connection.Tasks.WaitAsync(task.Id, null, TimeSpan.FromSeconds(60)))).ErrorId);
        Assert.Empty(JsonSerializer.Deserialize<string[]>(await cluster.Ceph.RbdAsync(["ls", "--format", "json", pool]))!);
        cluster.Ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    [Fact]
    public async Task An_upload_killed_mid_way_leaves_no_volume_and_no_scratch_folder_once_the_node_service_starts_again()
    {
        var pool = await cluster.NewPoolAsync("upk");
        // large enough that the writing is still under way when the kill lands (random bytes: no chunk is skipped)
        var raw = RawImage("big.raw", 384);
        var node = cluster.Lab.Nodes[0];
        var task = await cluster.Connection.Tasks.SubmitAsync(ClusterTaskKinds.VolumeUpload, new VolumeUploadRequest(pool, "killed", raw, "raw", false).ToArguments());
        await CephLab.WaitUntilAsync(async ct => (await cluster.Connection.Tasks.GetAsync(task.Id, ct)).Progress?.Status.StartsWith("writing", StringComparison.Ordinal) is true,
            TimeSpan.FromSeconds(120), $"the upload writing ({cluster.Logs()})");
        node.Kill();
        // what the kill left: the volume, made but without keys, and the task's scratch folder recording it
        var folder = Path.Combine(Pvc.Testing.Lab.LabNode.UploadDirectory(cluster.Lab.Directory, node.Name), task.Id);
        Assert.True(File.Exists(Path.Combine(folder, "volume.json")), $"no record in {folder}");
        Assert.Contains("killed", JsonSerializer.Deserialize<string[]>(await cluster.Ceph.RbdAsync(["ls", "--format", "json", pool]))!);
        Assert.Equal(ClusterTaskState.Running, (await cluster.Connection.Tasks.GetAsync(task.Id)).State);

        var killedAt = new FileInfo(node.LogPath).Length;
        node.Start();
        string Restarted()
        {
            using var log = new FileStream(node.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            log.Seek(killedAt, SeekOrigin.Begin);
            return new StreamReader(log).ReadToEnd();
        }
        // the removal waits out the killed client's watch on the image (30 s)
        await CephLab.WaitUntilAsync(_ => Task.FromResult(!Directory.Exists(folder)), TimeSpan.FromSeconds(240), $"the scratch folder swept (after the restart: {Restarted()})");
        Assert.DoesNotContain("killed", JsonSerializer.Deserialize<string[]>(await cluster.Ceph.RbdAsync(["ls", "--format", "json", pool]))!);
        var failed = await cluster.Connection.Tasks.GetAsync(task.Id);
        Assert.Equal((ClusterTaskState.Failure, PvcErrorIds.TaskNodeDied), (failed.State, failed.ErrorId));
        Assert.Equal(PvcErrorIds.VolumeNotFound, (await Assert.ThrowsAsync<PvcException>(() => cluster.Connection.Volumes.GetAsync(pool, "killed"))).ErrorId);
        // the node serves the collection's next tests: ready, and the primary again
        await cluster.Lab.WaitReadyAsync();
        await CephLab.WaitUntilAsync(async ct => (await Pvc.Core.Cluster.ClusterStatusReader.ReadAsync(cluster.Connection, ct)).PrimaryNode is not null,
            TimeSpan.FromSeconds(120), "a primary coordinator elected");
        cluster.Ps.Run("Remove-PvcPool $args[0] -Force -Confirm:$false -Timeout 120", pool).ThrowIfErrors();
    }

    /// <inheritdoc />
    public void Dispose() => _files.Delete(recursive: true);
}
