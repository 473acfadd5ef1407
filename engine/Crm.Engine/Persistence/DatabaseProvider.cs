namespace Crm.Engine.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}
