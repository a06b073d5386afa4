namespace BlazorAwsConsole.Probes.Ssm;

public static class SsmProbesFeature
{
    /// <summary>The SSM probe runner and its settings ("Probes:Ssm"); needs the infrastructure (AwsClientFactory, the DbContext factory, TimeProvider).</summary>
    public static IServiceCollection AddSsmProbes(this IServiceCollection services)
    {
        services.AddOptions<SsmProbeOptions>().BindConfiguration(SsmProbeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SsmProbeRunner>();
        return services;
    }
}
