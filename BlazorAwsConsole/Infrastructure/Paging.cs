using BlazorAwsConsole.Fleet;
using Microsoft.AspNetCore.Http.HttpResults;

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

    /// <summary>One page of a short list held whole (regions, templates, users …), in the shape of every list.</summary>
    public static PagedList<T> Of<T>(IReadOnlyList<T> all, (int Page, int PageSize) paging) =>
        new(all.Skip((paging.Page - 1) * paging.PageSize).Take(paging.PageSize).ToList(), all.Count, paging.Page, paging.PageSize);

    /// <summary>A list endpoint's answer: <c>{ items, total, page, pageSize }</c>, or a 400 naming page or pageSize.</summary>
    public static Results<Ok<PagedList<T>>, ValidationProblem> Answer<T>(IReadOnlyList<T> all, int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = Read(page, pageSize, errors);
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(Of(all, paging));
    }
}
