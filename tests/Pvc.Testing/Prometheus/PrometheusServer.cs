using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Testing.Prometheus;

/// <summary>
/// A private Prometheus server (Debian's <c>prometheus</c>) on 127.0.0.1 and a free port, scraping the given targets
/// every second into a temporary folder; stopped by its PID and the folder removed on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <summary>The port of its HTTP API.</summary>
    public int Port { get; }

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (host:port, path /metrics) as job <c>pvc</c>, and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(IEnumerable<string> targets, TimeSpan timeout)
    {
        var directory = Directory.CreateTempSubdirectory("pvc-prometheus-").FullName;
        var port = ZooKeeperServer.FreePort();
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: pvc
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """);
        var psi = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
            },
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("prometheus did not start.");
        var log = Path.Combine(directory, "prometheus.log");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) File.AppendAllText(log, e.Data + "\n"); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) File.AppendAllText(log, e.Data + "\n"); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PrometheusServer(process, directory, port);
        try
        {
            await server.WaitAsync(async () => (await server._http.GetAsync($"http://127.0.0.1:{port}/-/ready")).IsSuccessStatusCode, timeout, "Prometheus ready");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs an instant PromQL query: each result series as (its labels, its value).</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var json = await _http.GetStringAsync($"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var doc = JsonDocument.Parse(json);
        var data = doc.RootElement.GetProperty("data");
        return [.. data.GetProperty("result").EnumerateArray().Select(r => (
            (IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    /// <summary>Waits until <paramref name="promql"/> returns exactly one series whose value is <paramref name="expected"/>.</summary>
    public Task WaitForValueAsync(string promql, double expected, TimeSpan timeout) =>
        WaitAsync(async () => await QueryAsync(promql) is [var only] && only.Value == expected, timeout, $"{promql} == {expected}");

    /// <summary>Waits until the query's result satisfies <paramref name="condition"/>.</summary>
    public Task WaitForAsync(string promql, Func<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>, bool> condition, TimeSpan timeout, string what) =>
        WaitAsync(async () => condition(await QueryAsync(promql)), timeout, $"{promql}: {what}");

    private async Task WaitAsync(Func<Task<bool>> done, TimeSpan timeout, string what)
    {
        // Prometheus offers no watch on a query: poll it (its scrape interval is 1 s), up to the deadline
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"prometheus exited ({_process.ExitCode}): {Log()}");
            try
            {
                if (await done())
                    return;
            }
            catch (HttpRequestException e)
            {
                last = e;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what}{(last is null ? "" : $" ({last.Message})")}. Prometheus log: {Log()}");
    }

    private string Log()
    {
        var log = Path.Combine(_directory, "prometheus.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no log)";
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open: leave the temp folder
        }
    }
}
