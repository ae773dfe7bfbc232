namespace ButtonPush.Data;

/// <summary>Where the app keeps its files: the SQLite database, the Data Protection keys and (offline) the embedded sandbox's state.</summary>
internal static class AppPaths
{
    /// <summary>The data folder: <c>ButtonPush:DataFolder</c>, else <c>App_Data</c> under the content root.</summary>
    public static string DataFolder(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["ButtonPush:DataFolder"];
        var folder = string.IsNullOrWhiteSpace(configured) ? "App_Data" : configured;
        return Path.GetFullPath(Path.Combine(environment.ContentRootPath, folder));
    }

    /// <summary>The connection string: <c>ConnectionStrings:ButtonPush</c>, else a database file in the data folder.</summary>
    public static string ConnectionString(IConfiguration configuration, string dataFolder) =>
        configuration.GetConnectionString("ButtonPush") is { Length: > 0 } configured
            ? configured
            : $"Data Source={Path.Combine(dataFolder, "buttonpush.db")}";
}
