using Microsoft.Extensions.Hosting;

// The node service's host: systemd integration (Type=notify) now; its services arrive with the node service issue.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSystemd();
using var host = builder.Build();
await host.RunAsync();
