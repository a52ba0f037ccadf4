#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d):
# one login role per party, none a superuser. `temporal` owns Temporal's two databases;
# `upc_owner` owns upc's database (`upc migrate` creates the schema as it and grants);
# `upc_service` is what the parts run as (its privileges come from `upc migrate`).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v temporal_pw="$TEMPORAL_DB_PASSWORD" -v owner_pw="$UPC_OWNER_DB_PASSWORD" \
  -v service_pw="$UPC_SERVICE_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD :'temporal_pw';
CREATE ROLE upc_owner LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD :'owner_pw';
CREATE ROLE upc_service LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS PASSWORD :'service_pw';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
CREATE DATABASE upc OWNER upc_owner;
REVOKE ALL ON DATABASE upc FROM PUBLIC;
REVOKE ALL ON DATABASE temporal FROM PUBLIC;
REVOKE ALL ON DATABASE temporal_visibility FROM PUBLIC;
SQL
