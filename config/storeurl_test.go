package config

import "testing"

// A PostgreSQL URL with its password from the environment is taken, and selects the
// PostgreSQL store; without url the SQLite path is the store.
func TestStoreURLFromEnv(t *testing.T) {
	t.Setenv("AFTERSALE_TEST_PGURL", "postgres://desk:Top%20Secret@db.internal:5432/aftersale?sslmode=verify-full")
	c, err := Load(writeConfig(t, "[store]\nurl = \"${AFTERSALE_TEST_PGURL}\"\ninstance = \"a1\"\n"), defaults(t))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if d := c.Store.Describe(); d != "postgres://desk@db.internal:5432/aftersale" {
		t.Errorf("Describe() = %q, want the URL without password or query", d)
	}
	if got := c.Store.Location(); got != "postgres://desk:Top%20Secret@db.internal:5432/aftersale?sslmode=verify-full" || c.Store.Instance != "a1" {
		t.Errorf("Location() = %q, instance %q", got, c.Store.Instance)
	}
	c, err = Load(writeConfig(t, "[store]\npath = \"x.db\"\n"), defaults(t))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := c.Store.Location(); got != c.Store.Path || got == "" {
		t.Errorf("SQLite Location() = %q, want the path %q", got, c.Store.Path)
	}
	// A URL with no password in it may be written in the file (PGPASSWORD has it).
	if _, err := Load(writeConfig(t, "[store]\nurl = \"postgres://desk@db/aftersale\"\n"), defaults(t)); err != nil {
		t.Errorf("URL without password: %v", err)
	}
}
