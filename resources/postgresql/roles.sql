-- vicman on PostgreSQL: the roles and the database, created once by the server's administrator.
--
--   psql -h HOST -U postgres -v db=vicman -v owner=vicman_owner -v app=vicman_app -v reports=vicman_reports \
--        -v owner_password=... -v app_password=... -v reports_password=... -f resources/postgresql/roles.sql
--
-- Then, as the owner: run the migrations (`vicman --db postgresql+psycopg://OWNER@HOST/DB db grant
-- --app-role APP --readonly-role REPORTS` opens the database, migrates it, and applies the grants).
-- The desktops connect as the app role only. See docs/postgresql.md.

-- The owner: owns the schema and every table, runs the migrations and the grants. Not for desktops.
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;

-- The application's login role: what every desktop and the scheduled tasks use. Its table rights come
-- from `vicman db grant` (generated from the schema): no UPDATE, DELETE or TRUNCATE on the audit trail
-- or any append-only table. CONNECTION LIMIT bounds the desktops (each holds a small pool).
CREATE ROLE :"app" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
    CONNECTION LIMIT 400;

-- Reporting and audit: SELECT on every table, nothing else.
CREATE ROLE :"reports" LOGIN PASSWORD :'reports_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
    CONNECTION LIMIT 20;

CREATE DATABASE :"db" OWNER :"owner" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
\connect :"db"
-- PostgreSQL 15 and later no longer let PUBLIC create in the public schema; say so for older servers too.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"owner";
