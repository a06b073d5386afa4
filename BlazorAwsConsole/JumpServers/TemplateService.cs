using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.JumpServers;

public sealed record TemplateSaveResult(JumpServerTemplate? Template, JumpServerTemplateVersion? Version, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool NotFound => Template is null && Errors.Count == 0;
}

/// <summary>Creates, versions, lists and deletes jump server templates; the API and the pages both use it.</summary>
public sealed class TemplateService(
    IDbContextFactory<ConsoleDbContext> contexts,
    TemplateValidator validator,
    LiveFeed feed,
    AuditLog audit,
    TimeProvider time,
    ILogger<TemplateService> logger)
{
    public async Task<List<(JumpServerTemplate Template, JumpServerTemplateVersion Latest)>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Templates.AsNoTracking()
            .Join(db.TemplateVersions.AsNoTracking(), t => new { t.Id, V = t.LatestVersion }, v => new { Id = v.TemplateId, V = v.Version },
                (t, v) => new { t, v })
            .OrderBy(x => x.t.Name)
            .ToListAsync(cancellationToken);
        return rows.Select(x => (x.t, x.v)).ToList();
    }

    /// <summary>The template and its latest version, or the given one.</summary>
    public async Task<(JumpServerTemplate Template, JumpServerTemplateVersion Version)?> GetAsync(int id, int? version, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null) return null;
        var wanted = version ?? template.LatestVersion;
        var row = await db.TemplateVersions.AsNoTracking().FirstOrDefaultAsync(v => v.TemplateId == id && v.Version == wanted, cancellationToken);
        return row is null ? null : (template, row);
    }

    public async Task<TemplateSaveResult> CreateAsync(TemplateInput input, Caller caller, CancellationToken cancellationToken)
    {
        var result = await CreateAsync(input, caller.Name, cancellationToken);
        await AuditAsync(caller, "template.create", result.Template?.Id.ToString() ?? input.Name ?? "", result);
        return result;
    }

    public async Task<TemplateSaveResult> UpdateAsync(int id, TemplateInput input, Caller caller, CancellationToken cancellationToken)
    {
        var result = await UpdateAsync(id, input, caller.Name, cancellationToken);
        await AuditAsync(caller, "template.update", id.ToString(), result);
        return result;
    }

    public async Task<bool> DeleteAsync(int id, Caller caller, CancellationToken cancellationToken)
    {
        var deleted = await DeleteAsync(id, caller.Name, cancellationToken);
        await audit.WriteAsync(caller.Name, caller.Address, "template.delete", id.ToString(), deleted ? "ok" : "refused: no such template", CancellationToken.None);
        return deleted;
    }

    private Task AuditAsync(Caller caller, string action, string target, TemplateSaveResult result) =>
        audit.WriteAsync(caller.Name, caller.Address, action, target,
            result.Errors.Count > 0 ? "refused: " + string.Join(" ", result.Errors.Keys)
            : result.NotFound ? "refused: no such template" : $"ok: version {result.Version!.Version}", CancellationToken.None);

    private async Task<TemplateSaveResult> CreateAsync(TemplateInput input, string actor, CancellationToken cancellationToken)
    {
        var errors = await validator.ValidateAsync(input, null, cancellationToken);
        if (errors.Count > 0) return new TemplateSaveResult(null, null, errors);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var template = new JumpServerTemplate { Name = input.Name!, LatestVersion = 1, CreatedAt = now, UpdatedAt = now };
        var version = ToVersion(input, 1, now, actor);
        template.Versions.Add(version);
        db.Templates.Add(template);
        if (await SaveAsync(db, input.Name!, cancellationToken) is { } conflict) return conflict;
        logger.LogInformation("{Actor} created jump server template {TemplateId} {Name}", actor, template.Id, template.Name);
        feed.Publish(new TemplatesChanged(template.Id));
        return new TemplateSaveResult(template, version, new Dictionary<string, string[]>());
    }

    /// <summary>Saves the input as the template's next version; earlier versions stay as they were.</summary>
    private async Task<TemplateSaveResult> UpdateAsync(int id, TemplateInput input, string actor, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var template = await db.Templates.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null) return new TemplateSaveResult(null, null, new Dictionary<string, string[]>());

        var errors = await validator.ValidateAsync(input, id, cancellationToken);
        if (errors.Count > 0) return new TemplateSaveResult(null, null, errors);

        var now = time.GetUtcNow().UtcDateTime;
        template.LatestVersion++;
        template.Name = input.Name!;
        template.UpdatedAt = now;
        var version = ToVersion(input, template.LatestVersion, now, actor);
        version.TemplateId = id;
        db.TemplateVersions.Add(version);
        if (await SaveAsync(db, input.Name!, cancellationToken) is { } conflict) return conflict;
        logger.LogInformation("{Actor} saved version {Version} of jump server template {TemplateId}", actor, version.Version, id);
        feed.Publish(new TemplatesChanged(id));
        return new TemplateSaveResult(template, version, new Dictionary<string, string[]>());
    }

    /// <summary>Deletes the template and its versions; jump servers built from it keep running and keep their tags.</summary>
    private async Task<bool> DeleteAsync(int id, string actor, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var deleted = await db.Templates.Where(t => t.Id == id).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0) return false;
        logger.LogInformation("{Actor} deleted jump server template {TemplateId}", actor, id);
        feed.Publish(new TemplatesChanged(id));
        return true;
    }

    /// <summary>Two saves racing for one name (or one version number) lose on the unique index, not silently.</summary>
    private static async Task<TemplateSaveResult?> SaveAsync(ConsoleDbContext db, string name, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            return new TemplateSaveResult(null, null, new Dictionary<string, string[]>
            {
                ["name"] = [$"Another save of this template, or of one named '{name}', happened at the same time; reload and try again."],
            });
        }
    }

    private static JumpServerTemplateVersion ToVersion(TemplateInput input, int version, DateTime now, string actor) => new()
    {
        Version = version,
        Name = input.Name!,
        Description = input.Description?.Trim() ?? "",
        Region = input.Region!,
        AmiId = input.AmiId!,
        InstanceType = input.InstanceType!.Trim(),
        SubnetId = input.SubnetId!,
        KeyName = string.IsNullOrWhiteSpace(input.KeyName) ? null : input.KeyName,
        SecurityGroupRules = input.SecurityGroupRules.Select(r => new SecurityGroupRule(
            r.Protocol!, r.FromPort!.Value, r.ToPort ?? r.FromPort!.Value, System.Net.IPNetwork.Parse(r.Cidr!.Trim()).ToString(),
            string.IsNullOrWhiteSpace(r.Description) ? null : r.Description.Trim())).ToList(),
        UserData = input.UserData ?? "",
        IamInstanceProfile = string.IsNullOrWhiteSpace(input.IamInstanceProfile) ? null : input.IamInstanceProfile,
        RootVolumeSizeGb = input.RootVolumeSizeGb,
        EncryptRootVolume = input.EncryptRootVolume,
        RequireImdsv2 = input.RequireImdsv2,
        AssociatePublicIp = input.AssociatePublicIp,
        Tags = new Dictionary<string, string>(input.Tags, StringComparer.Ordinal),
        TtlMinutes = input.TtlMinutes,
        TtlAction = Enum.Parse<TtlAction>(input.TtlAction!, ignoreCase: true),
        CreatedAt = now,
        CreatedBy = actor,
    };
}
