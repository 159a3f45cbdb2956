package faq

import (
	"crypto/sha256"
	"encoding/json"
	"sync"
)

// Models shares trained answer models between books of the same entries: each model
// takes seconds of CPU to train (35k background messages scored, three members fitted),
// and a process that parses one FAQ many times (a test per conversation, an app per
// shop on the same file) need train it only once. Safe for concurrent use; the zero
// value is not usable, use NewModels.
type Models struct {
	mu   sync.Mutex
	keys [][sha256.Size]byte // least recently used first
	byID map[[sha256.Size]byte]func() ensemble
}

// modelsKept is how many distinct books' models Models keeps: a merchant's saved answer
// (Add) makes a new book, and the old one's model (megabytes) is let go.
const modelsKept = 4

// NewModels returns an empty Models.
func NewModels() *Models {
	return &Models{byID: map[[sha256.Size]byte]func() ensemble{}}
}

// of is the shared model of the book whose state key is, train when there is none yet.
func (ms *Models) of(key [sha256.Size]byte, train func() ensemble) func() ensemble {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	for i, k := range ms.keys {
		if k == key {
			ms.keys = append(append(ms.keys[:i:i], ms.keys[i+1:]...), key)
			return ms.byID[key]
		}
	}
	if len(ms.keys) == modelsKept {
		delete(ms.byID, ms.keys[0])
		ms.keys = ms.keys[1:]
	}
	ms.keys = append(ms.keys, key)
	ms.byID[key] = train
	return train
}

// ShareModels makes the book take its answer model from ms, trained once for every book
// of the same entries; Add keeps to it. Call it before the book is in use.
func (b *Book) ShareModels(ms *Models) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.models = ms
	b.model = b.newModel()
}

// newModel is the answer model for the book as it stands: shared through b.models when
// set, trained on first need either way.
func (b *Book) newModel() func() ensemble {
	train := modelOf(b.entries, b.lexical().answersPlainly)
	if b.models == nil {
		return train
	}
	return b.models.of(b.fingerprint(), train)
}

// fingerprint is a digest of all the model is trained from: the entries, and what Add
// derived for the merchant's saved ones.
func (b *Book) fingerprint() [sha256.Size]byte {
	h := sha256.New()
	// Marshalling plain strings and slices cannot fail.
	_ = json.NewEncoder(h).Encode([]any{b.entries, b.added, b.placesOf, b.about})
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}
