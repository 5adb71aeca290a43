using Pvc.Core.Errors;
using Xunit;

namespace Pvc.Testing.Pvc;

/// <summary>Assertions on Core's one error type: that a call fails with a <see cref="PvcException"/> of the kind expected.</summary>
public static class PvcAssert
{
    /// <summary>Asserts that <paramref name="call"/> fails with a <see cref="PvcException"/> of <paramref name="kind"/>, and returns it.</summary>
    public static async Task<PvcException> ThrowsAsync(PvcErrorKind kind, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<PvcException>(call);
        Assert.True(e.Kind == kind, $"Expected a {kind} error, got {e.Kind} ({e.ErrorId}): {e.Message}");
        return e;
    }

    /// <summary>Asserts that <paramref name="call"/> fails with a <see cref="PvcException"/> of <paramref name="kind"/>, and returns it.</summary>
    public static PvcException Throws(PvcErrorKind kind, Action call)
    {
        var e = Assert.Throws<PvcException>(call);
        Assert.True(e.Kind == kind, $"Expected a {kind} error, got {e.Kind} ({e.ErrorId}): {e.Message}");
        return e;
    }

    /// <summary>As <see cref="Throws(PvcErrorKind, Action)"/>, for a call with a result.</summary>
    public static PvcException Throws(PvcErrorKind kind, Func<object?> call)
    {
        var e = Assert.Throws<PvcException>(call);
        Assert.True(e.Kind == kind, $"Expected a {kind} error, got {e.Kind} ({e.ErrorId}): {e.Message}");
        return e;
    }
}
