namespace Crm.Platform.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}
