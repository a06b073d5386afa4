using Microsoft.AspNetCore.Components.Server.Circuits;

namespace BlazorAwsConsole.Access;

/// <summary>The client address of this circuit, for the access log (a circuit has no HttpContext of its own).</summary>
public sealed class CircuitAddress
{
    public string? Address { get; internal set; }

    /// <summary>Reads the address from the hub connection whenever the circuit (re)connects.</summary>
    public sealed class Tracker(CircuitAddress circuit, IHttpContextAccessor http) : CircuitHandler
    {
        public override Task OnConnectionUpAsync(Circuit c, CancellationToken cancellationToken)
        {
            circuit.Address = http.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? circuit.Address;
            return Task.CompletedTask;
        }
    }
}
