using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.StatusPages;

/// <summary>The status pages' part of the console's model (called from <see cref="ConsoleDbContext"/>).</summary>
internal static class StatusPagesModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<StatusPage>(page =>
        {
            page.Property(p => p.Slug).HasMaxLength(64);
            page.HasIndex(p => p.Slug).IsUnique();
            page.Property(p => p.Title).HasMaxLength(100);
            page.Property(p => p.LogoUrl).HasMaxLength(2048);
            page.Property(p => p.Description).HasMaxLength(4000);
            page.HasMany(p => p.Components).WithOne().HasForeignKey(c => c.PageId).OnDelete(DeleteBehavior.Cascade);
            page.HasMany<Incident>().WithOne().HasForeignKey(i => i.PageId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<StatusComponent>(component =>
        {
            component.Property(c => c.Name).HasMaxLength(100);
            component.Property(c => c.Group).HasMaxLength(100);
            component.Property(c => c.InstanceTag).HasMaxLength(300);
            component.Property(c => c.TestIds).HasConversion(ConsoleDbContext.JsonColumn<List<int>>.Converter, ConsoleDbContext.JsonColumn<List<int>>.Comparer);
            component.Property(c => c.InstanceIds).HasConversion(ConsoleDbContext.JsonColumn<List<string>>.Converter, ConsoleDbContext.JsonColumn<List<string>>.Comparer);
            component.Property(c => c.ManualState).HasConversion<string>().HasMaxLength(16);
            component.Property(c => c.ManualNote).HasMaxLength(500);
            component.Property(c => c.ManualBy).HasMaxLength(256);
            component.Ignore(c => c.UrlName);
            component.HasIndex(c => new { c.PageId, c.Position });
        });

        model.Entity<Incident>(incident =>
        {
            incident.Property(i => i.Title).HasMaxLength(200);
            incident.Property(i => i.Impact).HasConversion<string>().HasMaxLength(16);
            incident.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
            incident.Property(i => i.CreatedBy).HasMaxLength(256);
            incident.Property(i => i.ComponentIds).HasConversion(ConsoleDbContext.JsonColumn<List<int>>.Converter, ConsoleDbContext.JsonColumn<List<int>>.Comparer);
            incident.HasMany(i => i.Updates).WithOne().HasForeignKey(u => u.IncidentId).OnDelete(DeleteBehavior.Cascade);
            // A page's incidents of the last 90 days, newest first.
            incident.HasIndex(i => new { i.PageId, i.CreatedAt });
        });

        model.Entity<IncidentUpdate>(update =>
        {
            update.Property(u => u.Status).HasConversion<string>().HasMaxLength(16);
            update.Property(u => u.Message).HasMaxLength(10_000);
            update.Property(u => u.Author).HasMaxLength(256);
            update.HasIndex(u => new { u.IncidentId, u.At });
        });

        Subscriptions.SubscriptionsModel.Configure(model);
    }
}
