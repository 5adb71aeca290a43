using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Daemon;
using Pvc.NodeService.Systemd;

// pvcnoded [--config PATH]; PVC_CONFIG_FILE also names the file (as PVC's).
var path = args.SkipWhile(a => a != "--config").Skip(1).FirstOrDefault()
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

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSystemd();
// AddSystemd registers the notifier only under systemd; the watchdog asks for it everywhere (it is a no-op without NOTIFY_SOCKET)
builder.Services.TryAddSingleton<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier, Microsoft.Extensions.Hosting.Systemd.SystemdNotifier>();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy/MM/dd HH:mm:ss.fff ";
});
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
builder.Services.AddSingleton(config);
builder.Services.AddSingleton<NodeDaemon>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeDaemon>());
builder.Services.AddHostedService<SystemdWatchdog>();
using var host = builder.Build();
await host.RunAsync();
return 0;
