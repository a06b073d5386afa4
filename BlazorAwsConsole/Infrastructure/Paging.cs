namespace BlazorAwsConsole.Infrastructure;

/// <summary>The API's paging rules: page from 1, pageSize from 1 to <see cref="MaxPageSize"/>.</summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public static (int Page, int PageSize) Read(int? page, int? pageSize, Dictionary<string, string[]> errors)
    {
        if (page is < 1) errors["page"] = ["page must be 1 or more."];
        if (pageSize is < 1 or > MaxPageSize) errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        return (page ?? 1, pageSize ?? DefaultPageSize);
    }
}
