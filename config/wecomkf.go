package config

import (
	"maps"
	"regexp"
	"slices"
	"strings"
)

// WeComKF configures the 微信客服 channel (WeChat Customer Service through WeCom) that
// `run -channel wecomkf` serves buyers on. Credentials come from the WeCom admin console
// (see bot/wecomkf/README.md); give the secrets as "${ENV}".
type WeComKF struct {
	CorpID string `toml:"corp_id"` // 企业ID (我的企业 → 企业信息)
	Secret string `toml:"secret"`  // 微信客服 → API → Secret
	// Token and EncodingAESKey are the callback's 接收消息 settings; the key has 43 characters.
	Token          string `toml:"token"`
	EncodingAESKey string `toml:"encoding_aes_key"`
	// Accounts maps a shop id to its 客服账号 open_kfid ("wk…").
	Accounts map[string]string `toml:"accounts"`
	// Servicers maps a shop id to the userid of the 接待人员 a buyer asking for a person
	// is passed to; a shop not listed passes them to the waiting pool.
	Servicers map[string]string `toml:"servicers"`
	// Listen serves the callback on its own address; "" = on push.listen.
	Listen      string `toml:"listen"`
	AllowRemote bool   `toml:"allow_remote"`
	// MediaDir keeps buyers' pictures and files. Relative paths resolve against the
	// config file's directory.
	MediaDir string `toml:"media_dir"`
}

// Enabled reports whether the section is filled in at all.
func (w WeComKF) Enabled() bool {
	return w.CorpID != "" || w.Secret != "" || w.Token != "" || w.EncodingAESKey != "" || len(w.Accounts) > 0
}

var openKfID = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)

func (c *Config) validateWeComKF() error {
	w := c.WeComKF
	if !w.Enabled() {
		return nil
	}
	for _, f := range []struct{ key, v string }{
		{"wecomkf.corp_id", w.CorpID}, {"wecomkf.secret", w.Secret}, {"wecomkf.token", w.Token}, {"wecomkf.encoding_aes_key", w.EncodingAESKey},
	} {
		if strings.TrimSpace(f.v) == "" {
			return c.errf(f.key, "is empty (required once [wecomkf] is used)")
		}
	}
	if len(w.EncodingAESKey) != 43 {
		return c.errf("wecomkf.encoding_aes_key", "must be the 43 characters the admin console generated")
	}
	if len(w.Accounts) == 0 {
		return c.errf("wecomkf.accounts", "is empty: map each shop id to its 客服账号 open_kfid")
	}
	isShop := func(id string) bool { return slices.ContainsFunc(c.Shops, func(s Shop) bool { return s.ID == id }) }
	seen := map[string]string{}
	for _, shop := range slices.Sorted(maps.Keys(w.Accounts)) {
		key := "wecomkf.accounts." + shop
		kfid := w.Accounts[shop]
		if !isShop(shop) {
			return c.errf(key, "no shop has id %q", shop)
		}
		if !openKfID.MatchString(kfid) {
			return c.errf(key, "is not an open_kfid (\"wk…\", from 微信客服 → 客服账号)")
		}
		if other, dup := seen[kfid]; dup {
			return c.errf(key, "is already the open_kfid of shop %s: one 客服账号 per shop", other)
		}
		seen[kfid] = shop
	}
	for _, shop := range slices.Sorted(maps.Keys(w.Servicers)) {
		if !isShop(shop) {
			return c.errf("wecomkf.servicers."+shop, "no shop has id %q", shop)
		}
	}
	if w.Listen == "" && c.Push.Listen == "" {
		return c.errf("wecomkf.listen", "is empty and so is push.listen: the callback needs an address (e.g. \"127.0.0.1:8788\")")
	}
	if w.Listen != "" && !w.AllowRemote && !loopback(w.Listen) {
		return c.errf("wecomkf.listen", "%q is not a loopback address: set wecomkf.allow_remote = true (and put it behind a TLS proxy)", w.Listen)
	}
	return nil
}
