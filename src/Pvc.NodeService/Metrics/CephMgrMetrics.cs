using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Pvc.NodeService.Ceph;

namespace Pvc.NodeService.Metrics;

/// <summary>
/// The ceph part of PVC's metrics (its <c>/metrics/ceph</c>): what the active Ceph manager's prometheus module serves,
/// fetched at the scrape as PVC proxies it. The module's address is pvc.conf's <c>metrics.ceph_url</c> when set, else
/// the one the module advertises in the manager map (<c>ceph mgr services</c>, asked over the node's librados
/// connection and kept until a fetch fails). Nothing the manager sends is passed on unchecked: only well-formed
/// <c># HELP</c>, <c># TYPE</c> and sample lines of <c>ceph_</c> metrics are kept (so no line can break the exposition or
/// clash with PVC's, ZooKeeper's or the process's names), redirects are not followed, and an answer over 64 MiB is
/// dropped. A manager that does not answer within the timeout (or is not there) gives an empty part.
/// </summary>
internal sealed partial class CephMgrMetrics(Uri? configured, CephAccess ceph, ILogger log) : IDisposable
{
    /// <summary>How long a scrape waits for the manager (and for the manager map, when it must be asked).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private const int MaxAnswer = 64 << 20;

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>How long a fetch's answer is reused by the scrapes that follow it (those during it await it).</summary>
    public static readonly TimeSpan Reuse = TimeSpan.FromSeconds(3);

    private readonly Lock _lock = new();
    private Task<string>? _fetch;
    private long _fetchedAt;

    // only touched by the one fetch under way (a fetch starts after the last one ended, under _lock)
    private Uri? _advertised;
    private string? _lastError;

    /// <summary>True when there is anywhere to ask: a configured URL, or Ceph configured on this node.</summary>
    public bool IsConfigured => configured is not null || ceph.IsConfigured;

    /// <summary>
    /// The manager's metrics, checked line by line (<see cref="Filter"/>); empty when it is not configured, not
    /// reachable, or does not answer within <paramref name="timeout"/>. Scrapes share one fetch: those during it await
    /// it, those within <see cref="Reuse"/> after it began take its answer, so parallel scrapes ask the manager once.
    /// </summary>
    public Task<string> ReadAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
            return Task.FromResult("");
        Task<string> fetch;
        lock (_lock)
        {
            if (_fetch is null || (_fetch.IsCompleted && Stopwatch.GetElapsedTime(_fetchedAt) > Reuse))
            {
                _fetchedAt = Stopwatch.GetTimestamp();
                // not cancelled by the scrape that started it: the others await it too; bounded by the timeout
                _fetch = Task.Run(() => FetchAsync(timeout));
            }
            fetch = _fetch;
        }
        return fetch.WaitAsync(cancellationToken);
    }

    private async Task<string> FetchAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        Uri? url = null;
        try
        {
            string? problem = null;
            if (configured is null)
                (url, problem) = await AdvertisedAsync(deadline.Token).ConfigureAwait(false);
            else
                url = configured;
            if (url is null)
                return Failed(problem ?? "the Ceph manager map names no prometheus module (ceph mgr module enable prometheus)");
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return Failed($"{url} answered {(int)response.StatusCode}");
            if (response.Content.Headers.ContentLength > MaxAnswer)
                return Failed($"{url} sent {response.Content.Headers.ContentLength} bytes, over {MaxAnswer}");
            var body = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                using var answer = new MemoryStream();
                var buffer = new byte[65536];
                int read;
                while ((read = await body.ReadAsync(buffer, deadline.Token).ConfigureAwait(false)) > 0)
                {
                    if (answer.Length + read > MaxAnswer)
                        return Failed($"{url} sent over {MaxAnswer} bytes");
                    answer.Write(buffer, 0, read);
                }
                var text = Filter(Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length));
                if (_lastError is not null)
                    log.LogInformation("The Ceph manager's metrics are served again from {Url}", url);
                _lastError = null;
                return text;
            }
        }
        catch (OperationCanceledException)
        {
            return Failed($"{(object?)url ?? "the Ceph manager map"} did not answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or Core.Errors.PvcException or JsonException)
        {
            return Failed(e.Message);
        }
    }

    /// <summary>Logs a failure once until it changes or a fetch succeeds; a manager map read is asked again next time.</summary>
    private string Failed(string why)
    {
        _advertised = null;
        if (why != _lastError)
            log.LogWarning("No ceph part in this scrape: {Reason}", why);
        _lastError = why;
        return "";
    }

    /// <summary>The metrics URL the manager map advertises (<c>mgr services</c>' <c>prometheus</c>), checked; null (and why) when none.</summary>
    private async Task<(Uri? Url, string? Problem)> AdvertisedAsync(CancellationToken cancellationToken)
    {
        if (_advertised is { } known)
            return (known, null);
        if (!ceph.IsConfigured)
            return (null, null);
        var cluster = await ceph.ConnectAsync(cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        var answer = await cluster.MonCommandAsync(new JsonObject { ["prefix"] = "mgr services", ["format"] = "json" }, cancellationToken)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if (answer.Result < 0)
            throw CephErrors.FromErrno(answer.Result, "mgr services", "cluster");
        var advertised = JsonNode.Parse(answer.Output.Length > 0 ? answer.Output : "{}") is JsonObject services
            && services["prometheus"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (advertised is null)
            return (null, null);
        _advertised = MetricsUri(advertised);
        return (_advertised, _advertised is null ? $"the Ceph manager map advertises '{advertised}' for its prometheus module, which is not an http(s) address of a host" : null);
    }

    /// <summary>
    /// The metrics page under the module's advertised base address (<c>http://host:9283/</c> gives
    /// <c>http://host:9283/metrics</c>), or null unless it is an absolute http or https URL of a host name or address,
    /// without user information, query or fragment.
    /// </summary>
    internal static Uri? MetricsUri(string advertised)
    {
        if (!IsAcceptable(advertised, out var uri))
            return null;
        var basePath = uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
        return new Uri(basePath, "metrics");
    }

    /// <summary>True when <paramref name="url"/> may be fetched: an absolute http(s) URL of a host, without user information, query or fragment.</summary>
    internal static bool IsAcceptable(string? url, out Uri uri)
    {
        uri = null!;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed))
            return false;
        if (parsed.Scheme is not ("http" or "https") || parsed.UserInfo.Length > 0 || parsed.Query.Length > 0 || parsed.Fragment.Length > 0
            || parsed.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            return false;
        uri = parsed;
        return true;
    }

    /// <summary>
    /// The lines of a Prometheus text exposition that are well formed and of <c>ceph_</c> metrics: <c># HELP</c>,
    /// <c># TYPE</c> (once per name) and samples (labels with the format's escapes, a number, an optional timestamp).
    /// Anything else (other comments, blank lines, other names, malformed lines) is left out.
    /// </summary>
    internal static string Filter(string text)
    {
        var kept = new StringBuilder(text.Length);
        var typed = new HashSet<string>(StringComparer.Ordinal);
        var helped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
                continue;
            if (line.StartsWith('#'))
            {
                if (TypeLine().Match(line) is { Success: true } type ? typed.Add(type.Groups[1].Value)
                    : HelpLine().Match(line) is { Success: true } help && helped.Add(help.Groups[1].Value))
                    kept.Append(line).Append('\n');
            }
            else if (SampleLine().IsMatch(line))
            {
                kept.Append(line).Append('\n');
            }
        }
        return kept.ToString();
    }

    [GeneratedRegex(@"^# TYPE (ceph_[a-zA-Z0-9_:]*) (?:counter|gauge|histogram|summary|untyped)$", RegexOptions.CultureInvariant)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^# HELP (ceph_[a-zA-Z0-9_:]*) (?:[^\\]|\\[\\n])*$", RegexOptions.CultureInvariant)]
    private static partial Regex HelpLine();

    [GeneratedRegex("""^ceph_[a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\[\\"n])*")*,?)?\})? (?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN)(?: -?[0-9]{1,19})?$""", RegexOptions.CultureInvariant)]
    private static partial Regex SampleLine();

    /// <summary>Closes the HTTP client.</summary>
    public void Dispose() => _http.Dispose();
}
