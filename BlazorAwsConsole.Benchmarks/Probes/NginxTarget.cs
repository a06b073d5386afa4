namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>
/// The HTTP and TCP target: nginx with its own config in a temp folder, on a free loopback port,
/// 2 workers (the machine's cores), no access log, answering "200 ok" on every path. Disposing kills it.
/// </summary>
internal sealed class NginxTarget : IDisposable
{
    private readonly ChildProcess _nginx;

    private NginxTarget(ChildProcess nginx, int port)
    {
        _nginx = nginx;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/";

    public static async Task<NginxTarget> StartAsync(string workDir, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateDirectory(Path.Combine(workDir, "nginx")).FullName;
        var port = ChildProcess.FreeLoopbackPort();
        var config = Path.Combine(dir, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            worker_processes 2;
            daemon off;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{dir}}/body;
                proxy_temp_path {{dir}}/proxy;
                fastcgi_temp_path {{dir}}/fastcgi;
                uwsgi_temp_path {{dir}}/uwsgi;
                scgi_temp_path {{dir}}/scgi;
                server {
                    listen 127.0.0.1:{{port}} backlog=4096;
                    location / { default_type text/plain; return 200 "ok\n"; }
                }
            }
            """, cancellationToken);
        var nginx = ChildProcess.Start("/usr/sbin/nginx", "-p", dir, "-c", config, "-e", Path.Combine(dir, "error.log"));
        var target = new NginxTarget(nginx, port);
        try
        {
            await nginx.WaitForPortAsync(port, cancellationToken);
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    public void Dispose() => _nginx.Dispose();
}
