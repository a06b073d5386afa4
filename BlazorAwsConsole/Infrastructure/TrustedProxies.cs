using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// Behind nginx (deploy/nginx.conf) every request arrives from nginx's address, so the rate limits, the access log and
/// the probe agents' addresses would all see one client. <c>Console:TrustedProxies</c> lists the proxies (addresses or
/// CIDR networks, comma-separated) whose X-Forwarded-For and X-Forwarded-Proto are believed; only the address the last
/// proxy saw is taken, and from any other peer the headers are ignored, so a client cannot choose its own address.
/// Unset (the default): nothing is believed. Uses ASP.NET Core's forwarded-headers middleware.
/// </summary>
public static class TrustedProxies
{
    public const string Key = "Console:TrustedProxies";

    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var configured = Parse(builder.Configuration[Key]);
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback; only what the setting names is trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in configured) options.KnownIPNetworks.Add(network);
            options.ForwardLimit = 1;
        });
        return builder;
    }

    /// <summary>First in the pipeline, so everything after sees the client's address; nothing when no proxy is trusted.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        // The setting was read once, into the options above.
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.KnownIPNetworks.Count > 0) app.UseForwardedHeaders();
        return app;
    }

    /// <summary>"10.0.0.5, 10.1.0.0/16" → networks (an address alone is a /32 or /128); a bad entry stops the start with a message naming it.</summary>
    public static List<System.Net.IPNetwork> Parse(string? setting)
    {
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in (setting ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) networks.Add(new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else throw new InvalidOperationException($"{Key}: '{entry}' is neither an IP address nor a CIDR network (e.g. 10.0.0.5 or 10.0.0.0/8).");
        }
        return networks;
    }
}
