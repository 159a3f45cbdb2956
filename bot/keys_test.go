package bot_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/vocab"
)

// TestTemplateKeysMatchConfig: config validates the templates the engine renders from
// one list (package vocab); the shipped config.toml has exactly those, and each parses
// as the engine parses it.
func TestTemplateKeysMatchConfig(t *testing.T) {
	cfg := loadConfig(t)
	for _, tc := range []struct {
		group string
		src   map[string]string
	}{
		{vocab.Replies, cfg.Replies},
		{vocab.Alerts, cfg.Alerts},
	} {
		got := slices.Sorted(maps.Keys(tc.src))
		if want := vocab.TemplateKeys(tc.group); !slices.Equal(got, want) {
			t.Errorf("%s: config.toml has %q, the engine renders %q", tc.group, got, want)
		}
		if _, err := bot.ParseTemplates(tc.group, tc.src, vocab.TemplateFuncs()); err != nil {
			t.Errorf("%s: %v", tc.group, err)
		}
	}
}
