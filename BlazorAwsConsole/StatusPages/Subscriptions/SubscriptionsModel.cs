using BlazorAwsConsole.Alerts.Channels;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.StatusPages.Subscriptions;

/// <summary>The subscriptions' part of the model (called from <see cref="StatusPagesModel"/>).</summary>
internal static class SubscriptionsModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<StatusSubscription>(subscription =>
        {
            subscription.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
            subscription.Property(s => s.Address).HasMaxLength(2048);
            subscription.Property(s => s.ConfirmTokenHash).HasMaxLength(64);
            subscription.Property(s => s.UnsubscribeTokenHash).HasMaxLength(64);
            subscription.Property(s => s.UnsubscribeTokenProtected).HasMaxLength(1024);
            // One subscription per address and page; also the form's "is it there already" look-up.
            subscription.HasIndex(s => new { s.PageId, s.Kind, s.Address }).IsUnique();
            subscription.HasIndex(s => s.ConfirmTokenHash).IsUnique();
            subscription.HasIndex(s => s.UnsubscribeTokenHash).IsUnique();
            // The confirmed subscribers of a page (incident fan-out, the count) and the unconfirmed ones that expired.
            subscription.HasIndex(s => new { s.PageId, s.ConfirmedAt });
            subscription.HasIndex(s => s.ConfirmExpiresAt);
            subscription.HasOne<StatusPage>().WithMany().HasForeignKey(s => s.PageId).OnDelete(DeleteBehavior.Cascade);
            // A removed subscription takes its pending and past deliveries with it: they name its address.
            subscription.HasMany<NotificationDelivery>().WithOne().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
