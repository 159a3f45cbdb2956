package cases

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SchemaState says how far a PostgreSQL store's schema is from this build's.
type SchemaState int

const (
	SchemaCurrent SchemaState = iota // migrated to this build's version
	SchemaNone                       // empty database: the first writable open creates the tables
	SchemaBehind                     // older: the next writable open migrates it
	SchemaAhead                      // newer than this build: a newer instance migrated it
)

// PingPG connects once to the PostgreSQL store at url (a postgres:// URL, password from the
// URL or PGPASSWORD), reads its schema version without writing anything, and hangs up: what
// check-config needs to tell an operator the database is reachable before a start. The
// error names the host and database, never the password.
func PingPG(ctx context.Context, url string) (SchemaState, error) {
	conf, err := pgx.ParseConfig(url)
	if err != nil {
		return 0, fmt.Errorf("bad PostgreSQL URL: %w", redactErr(err))
	}
	where := conf.Host + "/" + conf.Database
	conn, err := pgx.ConnectConfig(ctx, conf)
	if err != nil {
		return 0, fmt.Errorf("connect %s: %w", where, redactErr(err))
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('schema_version') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, fmt.Errorf("query %s: %w", where, err)
	}
	if !exists {
		return SchemaNone, nil
	}
	var v int
	if err := conn.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version on %s: %w", where, err)
	}
	switch {
	case v < len(pgMigrations):
		return SchemaBehind, nil
	case v > len(pgMigrations):
		return SchemaAhead, nil
	}
	return SchemaCurrent, nil
}
