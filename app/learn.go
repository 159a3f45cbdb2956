package app

import (
	"context"
	"log/slog"
	"sync"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
)

// shopModels reads buyers with the shared model, or with a shop's own model once the
// shop has taught it (a merchant's 误判 corrections). A shop's model is the shared corpus
// and config examples plus the shop's stored examples; it is retrained in the background
// when the shop adds one, and the old one serves until the new one is ready.
type shopModels struct {
	base *intents.Classifier
	opts intents.Options // the config's examples and thresholds, for every retrain
	log  *slog.Logger

	mu      sync.Mutex
	own     map[string]*intents.Classifier      // shop → its model
	taught  map[string][]intents.Example        // shop → its examples
	exact   map[string]map[string]intents.Label // shop → folded text → the label the merchant gave
	running map[string]bool                     // a retrain is under way for the shop
	dirty   map[string]bool                     // examples came in during that retrain
	wg      sync.WaitGroup
}

func newShopModels(base *intents.Classifier, opts intents.Options, log *slog.Logger) *shopModels {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &shopModels{base: base, opts: opts, log: log, own: map[string]*intents.Classifier{},
		taught: map[string][]intents.Example{}, exact: map[string]map[string]intents.Label{}, running: map[string]bool{}, dirty: map[string]bool{}}
}

// Classify reads text with the shared model.
func (s *shopModels) Classify(text string) intents.Result { return s.base.Classify(text) }

// ClassifyFor reads text with the shop's own model, if it has one. Words the merchant
// labelled themselves are read as they said, whatever the model or its rules think: the
// merchant has seen this exact message and knows what it meant.
func (s *shopModels) ClassifyFor(shop, text string) intents.Result {
	s.mu.Lock()
	c := s.own[shop]
	label, taught := s.exact[shop][intents.Fold(text)]
	s.mu.Unlock()
	if c == nil {
		c = s.base
	}
	res := c.Classify(text)
	if taught && !res.SlotOnly {
		res.Label, res.Confidence, res.Unclear, res.Confirm, res.Escalation, res.Ruled = label, 1, false, false, false, false
		res.Candidates[0] = label
	}
	return res
}

// Learn adds a shop's examples (already stored) and retrains its model in the background.
func (s *shopModels) Learn(shop string, ex []intents.Example) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.taught[shop] = append(s.taught[shop], ex...)
	if s.exact[shop] == nil {
		s.exact[shop] = map[string]intents.Label{}
	}
	for _, e := range ex {
		if k := intents.Fold(e.Text); k != "" {
			s.exact[shop][k] = e.Label
		}
	}
	if s.running[shop] {
		s.dirty[shop] = true
		return
	}
	s.running[shop] = true
	s.wg.Add(1)
	go s.retrain(shop)
}

// retrain trains the shop's model until no example came in meanwhile.
func (s *shopModels) retrain(shop string) {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		opts := s.opts
		opts.Extra = append(append([]intents.Example(nil), s.opts.Extra...), s.taught[shop]...)
		s.mu.Unlock()
		c, err := intents.New(opts)
		s.mu.Lock()
		if err != nil {
			s.log.Error("train the shop's model", "shop", shop, "err", err)
		} else {
			s.own[shop] = c
			s.log.Info("shop model trained", "shop", shop, "examples", len(opts.Extra))
		}
		if !s.dirty[shop] {
			s.running[shop] = false
			s.mu.Unlock()
			return
		}
		s.dirty[shop] = false
		s.mu.Unlock()
	}
}

// Wait waits for the retrains under way.
func (s *shopModels) Wait() { s.wg.Wait() }

// loadStored trains in the examples the shops stored before this start.
func (s *shopModels) loadStored(ctx context.Context, store *cases.Store) error {
	stored, err := store.Examples(ctx)
	if err != nil {
		return err
	}
	byShop := map[string][]intents.Example{}
	for _, e := range stored {
		if l, ok := intents.ParseLabel(e.Label); ok {
			byShop[e.Shop] = append(byShop[e.Shop], intents.Example{Text: e.Text, Label: l})
		}
	}
	for shop, ex := range byShop {
		s.Learn(shop, ex)
	}
	return nil
}
