using System.Text;

namespace BlazorAwsConsole.Access;

/// <summary>The access log as CSV (RFC 4180 quoting), for export.</summary>
public static class AuditCsv
{
    public static string Write(IEnumerable<AuditEntry> entries)
    {
        var csv = new StringBuilder("at,actor,address,action,target,result\r\n");
        foreach (var e in entries)
        {
            csv.AppendJoin(',', Field(e.At.ToString("O")), Field(e.Actor), Field(e.Address ?? ""), Field(e.Action), Field(e.Target), Field(e.Result));
            csv.Append("\r\n");
        }
        return csv.ToString();
    }

    private static string Field(string value) => BlazorAwsConsole.Infrastructure.CsvField.Text(value);
}
