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
    }
}
