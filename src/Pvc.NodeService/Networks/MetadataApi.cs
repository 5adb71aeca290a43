using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Pvc.Core.Networks;

namespace Pvc.NodeService.Networks;

/// <summary>
/// The primary's cloud-init metadata API (PVC's <c>MetadataAPIInstance</c>, EC2 style) on 169.254.169.254:80, which the
/// primary holds on <c>lo</c>; guests reach it through their gateway. Served with HttpListener (in the base runtime, as
/// the metrics endpoint). <c>GET /</c> answers 209 with PVC's version message; <c>GET /&lt;version&gt;/meta-data/</c>
/// lists <c>instance-id</c>, <c>name</c> and <c>profile</c>; <c>/&lt;version&gt;/meta-data/instance-id</c>,
/// <c>name</c> and <c>profile</c> give the asking VM's UUID, name and provisioner profile; <c>/&lt;version&gt;/user-data</c>
/// gives its profile's cloud-init document. The asking VM is found by where the request came from
/// (<see cref="MetadataGuestTable.Find"/>): the primary's neighbour entry for the source address (<see cref="NeighbourTable"/>)
/// names the bridge the guest is on and the MAC it sent from; an unexpired DHCP lease of that bridge's network must
/// hold the address for that MAC, and one VM have a NIC of that MAC on that bridge. A source nothing matches (another
/// VM's address taken statically, on this network or another, an expired lease) gets 404 (PVC's Flask view fails
/// with 500 there, and PVC matches the address against every network's leases). What it finds guests in is read
/// once (<see cref="NetworkHostOperations.ReadGuestTableAsync"/>) and kept until ZooKeeper reports a change of the
/// networks, their leases or the VMs, or <see cref="TableLifetime"/> passed; and at most
/// <see cref="MaxConcurrentRequests"/> requests are answered at once, the others get 503: a guest cannot make the
/// primary read the cluster's keys per request. There is no provisioner (and so no userdata database)
/// yet: user-data is answered with an empty document, as PVC answers a VM without a profile, and a VM without a
/// profile gets an empty <c>profile</c>.
/// </summary>
internal sealed class MetadataApi(Func<Action, CancellationToken, Task<MetadataGuestTable>> read, IPAddress address, int port, string? netns, ILogger log)
{
    private const string Version = "{\"message\": \"PVC Provisioner Metadata API version 1\"}";

    private HttpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task _serving = Task.CompletedTask;
    private readonly Lock _tableGate = new();
    private Task<MetadataGuestTable>? _table;
    private long _tableReadAt;
    private int _tableChanged;
    private Action? _onTableChange;
    private int _answering;

    /// <summary>How many requests are answered at once; one more gets 503 at once.</summary>
    public int MaxConcurrentRequests { get; init; } = 32;

    /// <summary>How long the table read from ZooKeeper is kept at most when no watch reported a change.</summary>
    public TimeSpan TableLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The neighbour entries of a source address (the kernel's, in the API's namespace, unless a test gives others).</summary>
    public Func<IPAddress, IReadOnlyList<Neighbour>>? Neighbours { get; init; }

    /// <summary>Whether it listens.</summary>
    public bool IsRunning => _listener is not null;

    /// <summary>How many requests are being answered now (refused ones not counted).</summary>
    public int Answering => Volatile.Read(ref _answering);

    /// <summary>The URL it listens on.</summary>
    public string Prefix => string.Create(CultureInfo.InvariantCulture, $"http://{address}:{port}/");

    /// <summary>Begins listening (in the node's namespace, in tests); nothing when it already does.</summary>
    /// <exception cref="HttpListenerException">The address is not there yet, the port is taken, ...</exception>
    public void Start()
    {
        if (_listener is not null)
            return;
        var listener = new HttpListener();
        listener.Prefixes.Add(Prefix);
        try
        {
            NetworkNamespace.Run(netns, () =>
            {
                listener.Start();
                return true;
            });
        }
        catch
        {
            listener.Close();
            throw;
        }
        _listener = listener;
        _stop = new CancellationTokenSource();
        _serving = AcceptAsync(listener, _stop.Token);
        log.LogInformation("Serving the metadata API on {Prefix}", Prefix);
    }

    /// <summary>Stops listening and waits for the requests being answered.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _listener, null) is not { } listener)
            return;
        await _stop!.CancelAsync();
        // Close alone: Stop then Close looks the endpoint up twice, and the second look binds a new socket (in the
        // namespace of the calling thread) when the first took the endpoint away; in the node's namespace, for the same reason
        try
        {
            NetworkNamespace.Run(netns, () =>
            {
                listener.Close();
                return true;
            });
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // the relinquish goes on (the addresses are removed all the same)
            log.LogWarning("The metadata API's listener did not close cleanly: {Message}", e.Message);
        }
        await _serving.ContinueWith(_ => { }, TaskScheduler.Default);
        lock (_tableGate)
            _table = null; // the next term as primary reads afresh
        _stop.Dispose();
        _stop = null;
        log.LogInformation("Stopped the metadata API");
    }

    private async Task AcceptAsync(HttpListener listener, CancellationToken cancellationToken)
    {
        var answering = new List<Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break; // stopped
            }
            answering.RemoveAll(t => t.IsCompleted);
            // counted here, before its task runs: requests that come faster than they are answered are refused
            var busy = Interlocked.Increment(ref _answering) > MaxConcurrentRequests;
            if (busy)
                Interlocked.Decrement(ref _answering);
            answering.Add(Task.Run(() => AnswerAsync(context, busy, cancellationToken), CancellationToken.None));
        }
        await Task.WhenAll(answering).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task AnswerAsync(HttpListenerContext context, bool busy, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            var (status, body) = busy ? (503, "Too many requests at once\n")
                : request.HttpMethod is "GET" or "HEAD"
                ? await RouteAsync(request.Url?.AbsolutePath ?? "/", request.RemoteEndPoint.Address, cancellationToken)
                : (405, "Method not allowed\n");
            response.StatusCode = status;
            if (status == 209)
                response.StatusDescription = "UNKNOWN"; // as Werkzeug words a code it does not know
            response.ContentType = status == 209 ? "application/json" : "text/plain; charset=utf-8";
            var bytes = Encoding.UTF8.GetBytes(body);
            response.ContentLength64 = bytes.Length;
            if (request.HttpMethod != "HEAD")
                await response.OutputStream.WriteAsync(bytes, cancellationToken);
            log.LogDebug("Metadata API: {Source} {Method} {Path} {Status}", request.RemoteEndPoint.Address, request.HttpMethod, request.Url?.AbsolutePath, status);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // the guest went away, or the API stops
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
            if (!busy)
                Interlocked.Decrement(ref _answering);
        }
    }

    /// <summary>The table guests are found in: the one read before, unless a watch reported a change, it is older than <see cref="TableLifetime"/> or its read failed.</summary>
    private Task<MetadataGuestTable> TableAsync()
    {
        lock (_tableGate)
        {
            var changed = Interlocked.Exchange(ref _tableChanged, 0) == 1;
            if (_table is null || changed || _table.IsFaulted || _table.IsCanceled || Stopwatch.GetElapsedTime(_tableReadAt) > TableLifetime)
            {
                _tableReadAt = Stopwatch.GetTimestamp();
                // one read for every request waiting on it, ended only by the API's stop
                _table = read(_onTableChange ??= () => Volatile.Write(ref _tableChanged, 1), _stop?.Token ?? CancellationToken.None);
            }
            return _table;
        }
    }

    /// <summary>The VM at <paramref name="source"/>: the one its neighbour entries (bridge and MAC) and the table agree on, or null.</summary>
    private async Task<MetadataGuest?> FindAsync(IPAddress source, CancellationToken cancellationToken)
    {
        var table = await TableAsync().WaitAsync(cancellationToken);
        var neighbours = (Neighbours ?? (a => NeighbourTable.Find(a, netns)))(source);
        var now = DateTimeOffset.UtcNow;
        var found = neighbours.Where(n => n.Vni is not null).Select(n => table.Find(n.Vni!.Value, source, n.Mac, now)).OfType<MetadataGuest>().Distinct().ToList();
        return found.Count == 1 ? found[0] : null;
    }

    /// <summary>PVC's routes: the status code and body for <paramref name="path"/> asked from <paramref name="source"/>.</summary>
    internal async Task<(int Status, string Body)> RouteAsync(string path, IPAddress source, CancellationToken cancellationToken)
    {
        if (path == "/")
            return (209, Version);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? item = parts switch
        {
            [_, "meta-data"] => "",
            [_, "meta-data", "instance-id" or "name" or "profile"] => parts[2],
            [_, "user-data"] => "user-data",
            _ => null,
        };
        if (item is null)
            return (404, "Not found\n");
        if (item.Length == 0)
            return (200, "instance-id\nname\nprofile");
        MetadataGuest? guest;
        try
        {
            guest = await FindAsync(source, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("The metadata API could not look up the VM at {Source}: {Message}", source, e.Message);
            return (500, "The cluster did not answer\n");
        }
        if (guest is null)
        {
            log.LogDebug("Metadata API: no VM has an unexpired DHCP lease of {Source} for the MAC it sent from on its bridge", source);
            return (404, "No VM is known at this address\n");
        }
        return item switch
        {
            "instance-id" => (200, guest.Uuid.ToString()),
            "name" => (200, guest.Name),
            "profile" => (200, guest.Profile ?? ""),
            // no provisioner database exists yet: PVC's answer for a VM without a profile's userdata
            _ => (200, ""),
        };
    }
}
