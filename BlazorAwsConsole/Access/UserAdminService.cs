using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Access;

public sealed record ConsoleUserView(string Name, string Role, bool LockedOut);

/// <summary>
/// Local accounts and their roles. Each user has exactly one console role. Errors come back keyed by
/// field ("name", "password", "role") so the form and the API can show them where they belong.
/// </summary>
public sealed class UserAdminService(UserManager<IdentityUser> users, AuditLog audit, TimeProvider time)
{
    public async Task<List<ConsoleUserView>> ListAsync(CancellationToken cancellationToken)
    {
        var all = await users.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        var views = new List<ConsoleUserView>();
        foreach (var user in all)
        {
            var role = (await users.GetRolesAsync(user)).FirstOrDefault() ?? "";
            views.Add(new ConsoleUserView(user.UserName!, role, user.LockoutEnd > time.GetUtcNow()));
        }
        return views;
    }

    public async Task<Dictionary<string, string[]>> AddAsync(string? name, string? password, string? role, Caller by)
    {
        var errors = await AddUserAsync(name, password, role);
        await AuditAsync(by, "user.add", name ?? "", errors, $" as {ConsoleRoles.Parse(role)}");
        return errors;
    }

    private async Task<Dictionary<string, string[]>> AddUserAsync(string? name, string? password, string? role)
    {
        var errors = new Dictionary<string, string[]>();
        var canonicalRole = ConsoleRoles.Parse(role);
        if (string.IsNullOrWhiteSpace(name)) errors["name"] = ["A user name is required."];
        else if (await users.FindByNameAsync(name) is not null) errors["name"] = [$"A user named {name} already exists."];
        if (string.IsNullOrEmpty(password)) errors["password"] = ["A password is required."];
        if (canonicalRole is null) errors["role"] = [$"Role must be one of {string.Join(", ", ConsoleRoles.All)}."];
        if (errors.Count > 0) return errors;

        var user = new IdentityUser(name!.Trim());
        var created = await users.CreateAsync(user, password!);
        if (!created.Succeeded) return Keyed(created);
        var added = await users.AddToRoleAsync(user, canonicalRole!);
        if (!added.Succeeded)
        {
            await users.DeleteAsync(user); // never leave a user without a role behind
            return Keyed(added);
        }
        return errors;
    }

    public async Task<Dictionary<string, string[]>> SetRoleAsync(string name, string? role, Caller by)
    {
        var errors = await ChangeRoleAsync(name, role);
        await AuditAsync(by, "user.role", name, errors, $" to {ConsoleRoles.Parse(role)}");
        return errors;
    }

    private async Task<Dictionary<string, string[]>> ChangeRoleAsync(string name, string? role)
    {
        var canonicalRole = ConsoleRoles.Parse(role);
        if (canonicalRole is null) return new() { ["role"] = [$"Role must be one of {string.Join(", ", ConsoleRoles.All)}."] };
        if (await users.FindByNameAsync(name) is not { } user) return new() { ["name"] = [$"No user named {name}."] };
        var current = await users.GetRolesAsync(user);
        if (current.Contains(ConsoleRoles.Admin) && canonicalRole != ConsoleRoles.Admin && await IsLastAdminAsync())
        {
            return new() { ["role"] = ["The last admin cannot be demoted; make another admin first."] };
        }
        await users.RemoveFromRolesAsync(user, current);
        var added = await users.AddToRoleAsync(user, canonicalRole);
        return added.Succeeded ? [] : Keyed(added);
    }

    public async Task<Dictionary<string, string[]>> SetLockedAsync(string name, bool locked, Caller by)
    {
        Dictionary<string, string[]> errors = [];
        if (await users.FindByNameAsync(name) is not { } user) errors["name"] = [$"No user named {name}."];
        else
        {
            await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
            if (!locked) await users.ResetAccessFailedCountAsync(user);
        }
        await AuditAsync(by, locked ? "user.lock" : "user.unlock", name, errors, "");
        return errors;
    }

    public async Task<Dictionary<string, string[]>> DeleteAsync(string name, Caller by)
    {
        var errors = await DeleteUserAsync(name);
        await AuditAsync(by, "user.delete", name, errors, "");
        return errors;
    }

    private async Task<Dictionary<string, string[]>> DeleteUserAsync(string name)
    {
        if (await users.FindByNameAsync(name) is not { } user) return new() { ["name"] = [$"No user named {name}."] };
        if ((await users.GetRolesAsync(user)).Contains(ConsoleRoles.Admin) && await IsLastAdminAsync())
        {
            return new() { ["name"] = ["The last admin cannot be deleted."] };
        }
        var deleted = await users.DeleteAsync(user);
        return deleted.Succeeded ? [] : Keyed(deleted);
    }

    private Task AuditAsync(Caller by, string action, string target, Dictionary<string, string[]> errors, string detail) =>
        audit.WriteAsync(by.Name, by.Address, action, target,
            errors.Count == 0 ? "ok" + detail : "refused: " + string.Join(" ", errors.Values.SelectMany(m => m)));

    public async Task<bool> AnyUserAsync(CancellationToken cancellationToken) => await users.Users.AnyAsync(cancellationToken);

    private async Task<bool> IsLastAdminAsync() => (await users.GetUsersInRoleAsync(ConsoleRoles.Admin)).Count <= 1;

    /// <summary>Identity's error codes name the field they concern.</summary>
    private static Dictionary<string, string[]> Keyed(IdentityResult result) => result.Errors
        .GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password"
            : e.Code.Contains("UserName", StringComparison.Ordinal) ? "name" : "role")
        .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
}
