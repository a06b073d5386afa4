using BlazorAwsConsole.ProbeLocations.Agents;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.ProbeLocations;

public static class ProbeLocationsModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<ProbeLocation>(location =>
        {
            location.Property(l => l.Name).HasMaxLength(ProbeLocation.MaxNameLength);
            location.Property(l => l.NameKey).HasMaxLength(ProbeLocation.MaxNameLength);
            location.HasIndex(l => l.NameKey).IsUnique();
            location.Property(l => l.Region).HasMaxLength(32);
            location.Property(l => l.Description).HasMaxLength(ProbeLocation.MaxDescriptionLength);
            location.Property(l => l.CreatedBy).HasMaxLength(256);
            location.HasMany(l => l.Tokens).WithOne(t => t.Location).HasForeignKey(t => t.LocationId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<LocationToken>(token =>
        {
            token.Property(t => t.Name).HasMaxLength(100);
            token.Property(t => t.Hash).HasMaxLength(64);
            token.Property(t => t.Prefix).HasMaxLength(16);
            token.Property(t => t.CreatedBy).HasMaxLength(256);
            token.HasIndex(t => t.Hash).IsUnique();
        });
        model.Entity<ConnectedAgent>(agent =>
        {
            agent.Property(a => a.Name).HasMaxLength(AgentProtocol.MaxAgentNameLength);
            agent.Property(a => a.InstanceId).HasMaxLength(64);
            agent.Property(a => a.ConnectionId).HasMaxLength(64);
            agent.Property(a => a.Address).HasMaxLength(64);
            agent.Property(a => a.Version).HasMaxLength(32);
            agent.Property(a => a.Node).HasMaxLength(256);
            agent.HasOne<ProbeLocation>().WithMany().HasForeignKey(a => a.LocationId).OnDelete(DeleteBehavior.Cascade);
            // One name per location (the API and pages look agents up by location); a node renews and drops rows by connection.
            agent.HasIndex(a => new { a.LocationId, a.Name }).IsUnique();
            agent.HasIndex(a => a.ConnectionId).IsUnique();
            agent.HasIndex(a => a.LastSeenAt);
        });
    }
}
