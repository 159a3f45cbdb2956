package config

import (
	"net/url"
	"strings"
)

// validateStoreURL checks [store] url: a postgres:// URL with a host and a database,
// whose password, if it carries one, came from the environment ("${ENV}"), never from
// the file. The value itself never appears in an error: it may hold that password.
func (c *Config) validateStoreURL() error {
	raw := c.Store.URL
	if raw == "" {
		return nil
	}
	if !strings.HasPrefix(raw, "postgres://") && !strings.HasPrefix(raw, "postgresql://") {
		return c.errf("store.url", "must be a PostgreSQL URL starting with postgres:// (for SQLite set store.path instead)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return c.errf("store.url", "is not a valid URL")
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return c.errf("store.url", "has no host (postgres://user@host:5432/database)")
	}
	if strings.Trim(u.Path, "/") == "" {
		return c.errf("store.url", "has no database name (postgres://user@host:5432/database)")
	}
	if _, hasPW := u.User.Password(); (hasPW || u.Query().Has("password")) && !c.secret["store.url"] {
		return c.errf("store.url", `holds a password: give the whole URL as "${ENV}", or the password in PGPASSWORD`)
	}
	return nil
}

// Describe names the store for a log line or a status message: the SQLite path, or the
// PostgreSQL URL without its password and query (which may carry one).
func (s Store) Describe() string {
	if s.URL == "" {
		return s.Path
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = ""
	return u.String()
}
