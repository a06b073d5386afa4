namespace BlazorAwsConsole.Tests.Infrastructure;

/// <summary>A wrong Database:Provider or a missing PostgreSQL connection string stops the console with a message naming the setting.</summary>
public sealed class DatabaseProviderSettingTests
{
    [Fact]
    public void An_unknown_provider_is_refused_naming_the_choices()
    {
        var build = () => Program.Build(["--Database:Provider=Oracle"]);

        build.Should().Throw<InvalidOperationException>().WithMessage("*Database:Provider 'Oracle'*Sqlite or Postgres*");
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_refused_naming_the_setting()
    {
        var build = () => Program.Build(["--Database:Provider=postgres", "--ConnectionStrings:Console="]);

        build.Should().Throw<InvalidOperationException>().WithMessage("*ConnectionStrings:Console is empty*");
    }

    [Fact]
    public void A_connection_string_that_is_not_npgsql_is_refused_without_repeating_it()
    {
        var build = () => Program.Build(["--Database:Provider=Postgres", "--ConnectionStrings:Console=Data Source=x.db;Secret=hunter2"]);

        build.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("not an Npgsql connection string").And.NotContain("hunter2");
    }
}
