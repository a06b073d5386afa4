using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BlazorAwsConsole.JumpServers.Components;

public sealed partial class TemplateDialog
{
    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>The template to edit; null creates a new one.</summary>
    [Parameter] public int? TemplateId { get; set; }
    [Parameter] public int Version { get; set; }
    [Parameter] public TemplateInput Input { get; set; } = new();

    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private List<string> _regions = [];
    private List<SubnetChoice> _subnets = [];
    private List<string> _keys = [];
    private string _tagsText = "";
    private bool _saving;

    protected override async Task OnInitializedAsync()
    {
        _regions = (await Queries.RegionsAsync(CancellationToken.None)).Where(r => r.Enabled).Select(r => r.Code).ToList();
        Input.Region ??= _regions.FirstOrDefault();
        _tagsText = string.Join("\n", Input.Tags.Select(t => $"{t.Key}={t.Value}"));
        await LoadRegionAsync();
    }

    private async Task OnRegionChanged(string region)
    {
        Input.Region = region;
        Input.SubnetId = null;
        Input.KeyName = null;
        await LoadRegionAsync();
    }

    /// <summary>The subnets and key pairs of the chosen region; a region AWS cannot answer for leaves the lists empty and says so on the field.</summary>
    private async Task LoadRegionAsync()
    {
        if (Input.Region is null) return;
        try
        {
            _subnets = await Resources.SubnetsAsync(Input.Region, CancellationToken.None);
            _keys = await Resources.KeyPairsAsync(Input.Region, CancellationToken.None);
            Input.SubnetId ??= _subnets.FirstOrDefault()?.SubnetId;
        }
        catch (Exception ex)
        {
            _subnets = [];
            _keys = [];
            _errors = new Dictionary<string, string[]> { ["subnetId"] = [$"Could not list the subnets of {Input.Region}: {AwsErrors.Describe(ex)}"] };
        }
    }

    private void AddRule() => Input.SecurityGroupRules.Add(new RuleInput { Protocol = "tcp", FromPort = 22, ToPort = 22 });

    private async Task SaveAsync()
    {
        _saving = true;
        try
        {
            Input.Tags = ParseTags(_tagsText, out var tagError);
            if (tagError is not null)
            {
                _errors = new Dictionary<string, string[]> { ["tags"] = [tagError] };
                return;
            }
            var actor = new Caller((await Authentication.GetAuthenticationStateAsync()).User, Circuit.Address);
            var result = TemplateId is { } id
                ? await Templates.UpdateAsync(id, Input, actor, CancellationToken.None)
                : await Templates.CreateAsync(Input, actor, CancellationToken.None);
            _errors = result.NotFound
                ? new Dictionary<string, string[]> { ["name"] = ["This template was deleted meanwhile."] }
                : result.Errors;
            if (_errors.Count == 0) Dialog.Close(DialogResult.Ok(result.Template!.Id));
        }
        finally
        {
            _saving = false;
        }
    }

    private static Dictionary<string, string> ParseTags(string text, out string? error)
    {
        error = null;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = line.IndexOf('=');
            if (separator <= 0)
            {
                error = $"'{line}' is not key=value.";
                continue;
            }
            tags[line[..separator].Trim()] = line[(separator + 1)..].Trim();
        }
        return tags;
    }

    private bool Has(string field) => _errors.ContainsKey(field);

    private string? Of(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
