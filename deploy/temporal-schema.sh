#!/bin/sh
# One-shot (temporalio/admin-tools): create or upgrade Temporal's schema in its two databases,
# which the PostgreSQL init script made for the `temporal` user. Safe to run on every start:
# setup-schema -v 0.0 is skipped once done, update-schema applies only newer versions.
set -eu
schema=/etc/temporal/schema/postgresql/v12
for db in temporal temporal_visibility; do
  dir=temporal
  [ "$db" = temporal_visibility ] && dir=visibility
  sql="temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u temporal --db $db"
  $sql setup-schema -v 0.0 || true   # refused ("already exists") after the first start
  $sql update-schema -d "$schema/$dir/versioned"
done
echo "temporal schema is up to date"
