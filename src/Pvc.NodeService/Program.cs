using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Daemon;
using Pvc.NodeService.Systemd;

// dnsmasq's lease script: the primary's DHCP runs this binary for every lease (Networks/LeaseHook). Decided before
// anything reads argv: a hook's arguments end with a guest-chosen DHCP host name, and it reads only PVC_CONFIG_FILE.
var hook = Pvc.NodeService.Networks.LeaseHook.IsHook;
// pvcnoded [--config PATH]; PVC_CONFIG_FILE also names the file (as PVC's).
var path = (hook ? null : args.SkipWhile(a => a != "--config").Skip(1).FirstOrDefault())
    ?? Environment.GetEnvironmentVariable("PVC_CONFIG_FILE") ?? NodeConfigLoader.DefaultPath;
NodeConfig config;
try
{
    config = NodeConfigLoader.Load(path);
}
catch (NodeConfigException e)
{
    Console.Error.WriteLine($"pvcnoded: {e.Message}");
    return 1;
}
if (hook)
{
    try
    {
        return await Pvc.NodeService.Networks.LeaseHook.RunAsync(args, config);
    }
    catch (Exception e) when (Pvc.Core.Errors.PvcException.From(e) is not null || e is OperationCanceledException)
    {
        Console.Error.WriteLine($"pvcnoded: the lease was not recorded: {e.Message}");
        return 1;
    }
}
// settings that are valid one by one but together would undo self-fencing: refused, as a bad key is
if (Pvc.NodeService.Systemd.WatchdogPolicy.Check(config, Pvc.NodeService.Systemd.WatchdogPolicy.FromEnvironment()) is { } conflict)
{
    Console.Error.WriteLine($"pvcnoded: {conflict}.");
    return 1;
}
try
{
    Directory.CreateDirectory(config.RunDirectory);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"pvcnoded: node.run_directory {config.RunDirectory} cannot be created: {e.Message}");
    return 1;
}

// The empty builder: the service reads its own YAML file and nothing from IConfiguration, so the default builder's
// configuration sources (appsettings.json files with a file watcher on each, environment, command line) and its
// extra logging providers would only cost memory on every hypervisor: a thread, a dozen assemblies and their JIT code.
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
builder.Services.AddSystemd();
// AddSystemd registers the notifier only under systemd; the watchdog asks for it everywhere (it is a no-op without NOTIFY_SOCKET)
builder.Services.TryAddSingleton<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier, Microsoft.Extensions.Hosting.Systemd.SystemdNotifier>();
// PVC's logging: stdout (journald), the log file (reopened on SIGHUP) and /logs/<node>/messages, secrets masked in all
var zooKeeperLog = config.Logging.ZooKeeper ? new Pvc.NodeService.Logging.ZooKeeperLogSink(config.Logging.NodeLogLines) : null;
var redactor = new Pvc.NodeService.Logging.SecretRedactor([config.IpmiPassword, config.ZooKeeperPassword, config.DnsDatabase?.Password]);
using var logProvider = new Pvc.NodeService.Logging.NodeLogProvider(config.Logging, redactor, zooKeeperLog);
using var reopenLog = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, context =>
{
    context.Cancel = true; // HUP reopens the log file (logrotate), as PVC's; it does not stop the service
    logProvider.File?.Reopen();
});
builder.Logging.ClearProviders();
builder.Logging.SetMinimumLevel(logProvider.MinimumLevel);
builder.Logging.AddProvider(logProvider);
builder.Services.AddSingleton(redactor);
if (zooKeeperLog is not null)
{
    // registered before the node service: it stops after it, so the service's last lines are still written
    builder.Services.AddSingleton(zooKeeperLog);
    builder.Services.AddHostedService(_ => zooKeeperLog);
}
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
builder.Services.AddSingleton(config);
// cluster task handlers: one line each (the runner refuses two of one kind at start)
// builder.Services.AddSingleton<Pvc.NodeService.Tasks.IClusterTaskHandler, SomeHandler>();
// this node's libvirt connection (opened on first use, again after libvirtd went away), shared by the service and
// the task handlers that work on its domains
builder.Services.AddSingleton(_ => new Pvc.NodeService.Libvirt.Hypervisor(config.LibvirtUri,
    new Pvc.NodeService.Libvirt.DomainXmlAdapter(new Pvc.NodeService.Libvirt.DomainXmlAdapterOptions { DomainTypeOverride = config.DomainTypeOverride, RemoveDevices = [.. config.RemoveDevices] })));
// the node's Ceph access (CephAccess, connected on first use) and the pool, volume and snapshot handlers; a resize of
// a running VM's volume also grows its disk in the guest (libvirt's blockResize here, on the VM's node)
Pvc.NodeService.Storage.StorageTaskHandler.Register(builder.Services);
builder.Services.AddSingleton<Pvc.NodeService.Storage.IGuestVolumeResize, Pvc.NodeService.Storage.GuestVolumeResize>();
// the OSD handlers (osd.add/remove/in/out/set/unset) on the same Ceph access, with systemd's ceph-osd@ units
Pvc.NodeService.Ceph.Osds.OsdTaskHandler.Register(builder.Services);
builder.Services.AddSingleton<Pvc.NodeService.Tasks.IClusterTaskHandler, Pvc.NodeService.Ceph.Osds.OsdRefreshTaskHandler>();
builder.Services.AddSingleton<Pvc.NodeService.Tasks.IClusterTaskHandler>(sp => new Pvc.NodeService.Ceph.Benchmarks.StorageBenchmarkTaskHandler(sp.GetRequiredService<Pvc.NodeService.Ceph.CephAccess>()));
// tests only: the test suites' handlers (TaskHandlerAssemblies); unset in production
var testHandlers = Pvc.NodeService.Tasks.TaskHandlerAssemblies.Register(builder.Services,
    Environment.GetEnvironmentVariable(Pvc.NodeService.Tasks.TaskHandlerAssemblies.Variable));
builder.Services.AddSingleton<Pvc.NodeService.Tasks.IClusterTaskHandler, Pvc.NodeService.Tasks.VmFlushLocksHandler>();
builder.Services.AddSingleton<Pvc.NodeService.Tasks.IClusterTaskHandler>(_ => new Pvc.NodeService.Tasks.VmLiveChangeHandler(TimeProvider.System));
builder.Services.AddSingleton<Pvc.NodeService.Tasks.IClusterTaskHandler, Pvc.NodeService.Tasks.VmRemoveHandler>();
builder.Services.AddSingleton<Pvc.NodeService.Tasks.IClusterTaskHandler, Pvc.NodeService.Tasks.VmRenameHandler>();
builder.Services.AddSingleton<NodeDaemon>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeDaemon>());
builder.Services.AddHostedService<SystemdWatchdog>();
// Prometheus /metrics (subsystem.enable_prometheus): process metrics on every node, PVC's cluster metrics on the primary
builder.Services.AddHostedService<Pvc.NodeService.Metrics.MetricsEndpoint>();
builder.Services.AddHostedService<NativeHeapTrimmer>();
using var host = builder.Build();
var daemon = host.Services.GetRequiredService<NodeDaemon>();
if (testHandlers.Count > 0)
    host.Services.GetRequiredService<ILogger<NodeDaemon>>().LogWarning("{Variable} is set: running the test task handlers {Handlers} (tests only)",
        Pvc.NodeService.Tasks.TaskHandlerAssemblies.Variable, string.Join(", ", testHandlers.Select(t => t.Name)));
await host.RunAsync();
// non-zero after a failure, so that systemd (Restart=on-failure) starts the service again
return daemon.Failed ? 1 : 0;
