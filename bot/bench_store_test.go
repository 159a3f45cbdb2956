package bot_test

import (
	"testing"

	"github.com/aftersale/aftersale/internal/pgtest"
)

// BenchmarkEngineStores is BenchmarkEngineConcurrentBuyers (1,000 buyers writing at
// once) on each store engine in one run, for the figures side by side: SQLite (WAL,
// fsync at commit), and PostgreSQL at AFTERSALE_TEST_PG with durable commits (fsync and
// synchronous_commit on, as .ci/pg starts it); that half skips without a server.
//
//	go test -run '^$' -bench EngineStores -benchtime 5s ./bot/
func BenchmarkEngineStores(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			if engine == "postgres" {
				pgtest.Server(b)
				b.Setenv(pgtest.EnvStore, "postgres")
			} else {
				b.Setenv(pgtest.EnvStore, "")
			}
			BenchmarkEngineConcurrentBuyers(b)
		})
	}
}
