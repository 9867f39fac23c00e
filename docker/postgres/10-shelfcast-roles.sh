#!/usr/bin/env bash
# Runs once, when the postgres container starts on an empty data volume: creates the owner
# role (owns the tables, runs migrations), the application role (owns nothing, so row-level
# security applies to it) and the database. `migrate` grants the application role its rights.
set -euo pipefail

: "${SHELFCAST_OWNER_PASSWORD:?must be set}"
: "${SHELFCAST_APP_PASSWORD:?must be set}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$SHELFCAST_OWNER_PASSWORD" \
  -v app_password="$SHELFCAST_APP_PASSWORD" <<'SQL'
CREATE ROLE shelfcast_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE shelfcast_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE shelfcast OWNER shelfcast_owner;
SQL
