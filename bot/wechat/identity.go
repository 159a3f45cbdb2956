package wechat

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// nickPrefix marks an id made from a nickname. Remark names are used bare, because the
// engine matches merchants by their remark name; the prefix keeps a buyer who merely
// calls himself "店主" from ever being taken for the merchant "店主".
const nickPrefix = "昵称:"

// contact is what the channel knows of a WeChat user or group at one login.
type contact struct {
	UserName    string // changes at every login
	RemarkName  string // set by the shop's account; stable until the merchant edits it
	NickName    string // set by the user; may change, may collide
	DisplayName string // the user's name inside a group, when seen in one
	AttrStatus  int64  // an opaque attribute web WeChat keeps across logins; 0 when unknown
	Sex         int
	Province    string
	City        string
	Signature   string
	Group       bool
}

// name is what a person is called in the merchant's alerts.
func (c contact) name() string {
	switch {
	case c.RemarkName != "":
		return c.RemarkName
	case c.DisplayName != "":
		return c.DisplayName
	case c.NickName != "":
		return c.NickName
	}
	return c.UserName
}

// idEntry is one nickname-based identity as persisted between logins.
type idEntry struct {
	ID         string `json:"id"`
	NickName   string `json:"nick"`
	AttrStatus int64  `json:"attr,omitempty"`
	Sex        int    `json:"sex,omitempty"`
	Province   string `json:"province,omitempty"`
	City       string `json:"city,omitempty"`
	Signature  string `json:"signature,omitempty"`
}

func (e idEntry) caption() [4]string {
	return [4]string{strconv.Itoa(e.Sex), e.Province, e.City, e.Signature}
}

func entryOf(id string, c contact) idEntry {
	return idEntry{ID: id, NickName: c.NickName, AttrStatus: c.AttrStatus, Sex: c.Sex,
		Province: c.Province, City: c.City, Signature: c.Signature}
}

// identities turns a login's UserNames into ids that survive re-login. A remark name is
// the id as is; a contact without one gets "昵称:"+nickname, told apart from namesakes by
// the attributes recorded in a JSON file.
type identities struct {
	path string

	mu      sync.Mutex
	entries []idEntry
	byUser  map[string]string // this login's UserName → id
	bound   map[string]string // id → this login's UserName, so namesakes get distinct ids
}

// openIdentities loads the mapping file; a missing file is an empty mapping.
func openIdentities(path string) (*identities, error) {
	ids := &identities{path: path, byUser: map[string]string{}, bound: map[string]string{}}
	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ids, nil
	case err != nil:
		return nil, fmt.Errorf("read wechat identities: %w", err)
	}
	if err := json.Unmarshal(raw, &ids.entries); err != nil {
		return nil, fmt.Errorf("parse wechat identities %s: %w", path, err)
	}
	return ids, nil
}

// reset forgets the UserNames of the previous login.
func (ids *identities) reset() {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	ids.byUser = map[string]string{}
	ids.bound = map[string]string{}
}

// resolve returns the stable id of a person. Groups are resolved by the caller.
func (ids *identities) resolve(c contact) (string, error) {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if id, ok := ids.byUser[c.UserName]; ok && c.RemarkName == "" {
		return id, nil
	}
	if c.RemarkName != "" {
		ids.bind(c.RemarkName, c.UserName)
		return c.RemarkName, nil
	}
	nick := c.NickName
	if nick == "" {
		// Nothing stable to go on: this id lasts one login only.
		id := nickPrefix + c.UserName
		ids.bind(id, c.UserName)
		return id, nil
	}
	if i := ids.match(c); i >= 0 {
		e := &ids.entries[i]
		if *e != entryOf(e.ID, c) {
			*e = entryOf(e.ID, c)
			if err := ids.save(); err != nil {
				return "", err
			}
		}
		ids.bind(e.ID, c.UserName)
		return e.ID, nil
	}
	id := nickPrefix + nick
	for n := 2; ids.taken(id); n++ {
		id = nickPrefix + nick + "#" + strconv.Itoa(n)
	}
	ids.entries = append(ids.entries, entryOf(id, c))
	ids.bind(id, c.UserName)
	return id, ids.save()
}

func (ids *identities) bind(id, userName string) {
	ids.byUser[userName] = id
	ids.bound[id] = userName
}

// match picks the recorded namesake this contact most likely is, or -1. A namesake
// already claimed by another UserName in this login is never picked twice.
func (ids *identities) match(c contact) int {
	best, bestScore := -1, 0
	want := entryOf("", c).caption()
	for i, e := range ids.entries {
		if e.NickName != c.NickName {
			continue
		}
		if u, ok := ids.bound[e.ID]; ok && u != c.UserName {
			continue
		}
		score := 1
		switch {
		case e.AttrStatus != 0 && c.AttrStatus != 0 && e.AttrStatus != c.AttrStatus:
			continue // a different person with the same nickname
		case e.AttrStatus != 0 && e.AttrStatus == c.AttrStatus:
			score += 4
		}
		if e.caption() == want {
			score += 2
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

func (ids *identities) taken(id string) bool {
	for _, e := range ids.entries {
		if e.ID == id {
			return true
		}
	}
	_, bound := ids.bound[id]
	return bound
}

// save writes the mapping atomically, so a crash leaves the old file or the new one.
func (ids *identities) save() error {
	raw, err := json.MarshalIndent(ids.entries, "", "  ")
	if err != nil {
		return fmt.Errorf("encode wechat identities: %w", err)
	}
	return writeFileAtomic(ids.path, raw)
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return nil
}
