using Pvc.Testing.Pvc;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.Core.Tests;

/// <summary>The rules pool, volume and snapshot names follow before they reach Ceph's commands, librbd or ZooKeeper paths.</summary>
public sealed class StorageNameTests
{
    [Theory]
    [InlineData("rbd")]
    [InlineData("vms")]
    [InlineData("ssd-pool_2.a")]
    [InlineData("0")]
    public void A_pool_name_of_letters_digits_and_separators_is_valid(string name)
    {
        Assert.True(PoolName.IsValid(name));
        PoolName.Validate(name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-rf")]          // read as an option by ceph and rbd
    [InlineData(".hidden")]
    [InlineData("a/b")]          // an RBD spec's separator
    [InlineData("a@b")]
    [InlineData("a b")]
    [InlineData("a\nb")]
    [InlineData("pool;rm")]
    [InlineData("pøol")]
    public void A_pool_name_that_could_address_something_else_is_refused(string name)
    {
        Assert.False(PoolName.IsValid(name));
        var e = PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => PoolName.Validate(name));
        Assert.Equal("InvalidPoolName", e.ErrorId);
        Assert.Equal(name, e.Target);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_pool_name_is_at_most_63_characters()
    {
        Assert.True(PoolName.IsValid(new string('p', 63)));
        Assert.False(PoolName.IsValid(new string('p', 64)));
        Assert.False(PoolName.IsValid(null));
    }

    [Theory]
    [InlineData("web1_disk0")]
    [InlineData("vm.example.com_root")]
    [InlineData("A-1")]
    public void A_volume_name_as_PVC_makes_them_is_valid(string name) => VolumeName.Validate(name);

    [Theory]
    [InlineData("")]
    [InlineData("-size")]
    [InlineData("vol@snap")]
    [InlineData("pool/vol")]
    [InlineData("_tmp")]
    [InlineData("vol\t1")]
    public void A_volume_name_that_could_address_something_else_is_refused(string name)
    {
        var e = PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => VolumeName.Validate(name));
        Assert.Equal("InvalidVolumeName", e.ErrorId);
    }

    [Fact]
    public void A_volume_name_fits_librbds_95_bytes()
    {
        Assert.True(VolumeName.IsValid(new string('v', 95)));
        Assert.False(VolumeName.IsValid(new string('v', 96)));
    }

    [Theory]
    [InlineData("20261202013000", true)]
    [InlineData("before-upgrade", true)]
    [InlineData("a@b", false)]
    [InlineData("-x", false)]
    [InlineData("", false)]
    public void Snapshot_names_follow_the_volume_rule(string name, bool valid)
    {
        Assert.Equal(valid, SnapshotName.IsValid(name));
        if (!valid)
            Assert.Equal("InvalidSnapshotName", PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => SnapshotName.Validate(name)).ErrorId);
    }
}
