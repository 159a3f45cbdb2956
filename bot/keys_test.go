package bot_test

import (
	"slices"
	"testing"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/config"
)

// TestTemplateKeysMatchConfig: config validates the templates the engine renders, so the
// two lists of template names must be the same; adding a reply to one alone fails here.
func TestTemplateKeysMatchConfig(t *testing.T) {
	for _, tc := range []struct {
		name        string
		bot, config []string
	}{
		{"replies", bot.ReplyKeys(), config.ReplyKeys()},
		{"alerts", bot.AlertKeys(), config.AlertKeys()},
	} {
		b := slices.Sorted(slices.Values(tc.bot))
		if !slices.Equal(b, tc.config) {
			t.Errorf("%s: engine uses %q, config validates %q", tc.name, b, tc.config)
		}
	}
}
