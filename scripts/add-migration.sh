#!/usr/bin/env bash
# Adds a migration with the same name to both providers' migration assemblies.
# Usage: scripts/add-migration.sh AddDocuments
set -euo pipefail
NAME=${1:?usage: scripts/add-migration.sh <MigrationName>}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite PostgreSql; do
  echo "== $provider"
  dotnet build "storage/Crm.Storage.$provider" -nologo -v q >/dev/null
  dotnet ef migrations add "$NAME" \
    --project "storage/Crm.Storage.$provider" --startup-project "storage/Crm.Storage.$provider" \
    --context CrmDbContext --output-dir Migrations
done
