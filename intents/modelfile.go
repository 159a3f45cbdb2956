package intents

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sort"
)

// The default model is trained at `go generate` time (internal/genmodel) and embedded, so
// a start does not spend the training time (≈0.4 s on 26k corpus lines). It carries the
// digest of the corpus and settings it was trained on: when they change and the model is
// not regenerated, Default trains at start-up instead, and TestEmbeddedModelIsCurrent fails.
//
//go:generate go run ./internal/gentrad -o trad.txt
//go:generate go run ./internal/genmodel -o model.bin

//go:embed model.bin
var embeddedModel []byte

// modelMagic starts a model file; the version changes with the layout.
const modelMagic = "AFTSMDL1"

// corpusDigest is the SHA-256 of the corpus files (names and bytes, in name order) and
// the training settings: what a model trained from them depends on.
func corpusDigest(fsys fs.FS, h hyper) ([32]byte, error) {
	names, err := fs.Glob(fsys, "testdata/corpus/*.tsv")
	if err != nil {
		return [32]byte{}, err
	}
	sort.Strings(names)
	d := sha256.New()
	fmt.Fprintf(d, "%d %d %g %g %g %d\n", h.bits, h.epochs, h.lr, h.temp, h.balance, h.seed)
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return [32]byte{}, err
		}
		fmt.Fprintf(d, "%s %d\n", n, len(b))
		d.Write(b)
	}
	var out [32]byte
	copy(out[:], d.Sum(nil))
	return out, nil
}

// MarshalModel writes the classifier trained on the embedded corpus alone, with the
// corpus digest, in the embedded model's format: magic, digest, bits, temperature, then
// the weights as little-endian float32, deflated.
func MarshalModel(w io.Writer) error {
	h := defaultHyper()
	digest, err := corpusDigest(corpusFS, h)
	if err != nil {
		return err
	}
	corpus, err := loadCorpus(corpusFS)
	if err != nil {
		return err
	}
	c := trainWith(corpus, 0, h)
	var head bytes.Buffer
	head.WriteString(modelMagic)
	head.Write(digest[:])
	binary.Write(&head, binary.LittleEndian, uint8(c.bits))
	binary.Write(&head, binary.LittleEndian, c.temp)
	if _, err := w.Write(head.Bytes()); err != nil {
		return err
	}
	zw, err := flate.NewWriter(w, flate.BestCompression)
	if err != nil {
		return err
	}
	buf := make([]byte, 4*len(c.w))
	for i, v := range c.w {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	if _, err := zw.Write(buf); err != nil {
		return err
	}
	return zw.Close()
}

// errStaleModel is an embedded model trained on another corpus or other settings.
var errStaleModel = errors.New("embedded model is stale: run go generate ./intents")

// loadModel reads a model file made by MarshalModel for the current corpus.
func loadModel(b []byte) (*Classifier, error) {
	h := defaultHyper()
	n := len(modelMagic) + 32 + 1 + 8
	if len(b) < n || string(b[:len(modelMagic)]) != modelMagic {
		return nil, errors.New("not a model file")
	}
	want, err := corpusDigest(corpusFS, h)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(b[len(modelMagic):len(modelMagic)+32], want[:]) {
		return nil, errStaleModel
	}
	r := bytes.NewReader(b[len(modelMagic)+32:])
	var bits uint8
	var temp float64
	binary.Read(r, binary.LittleEndian, &bits)
	binary.Read(r, binary.LittleEndian, &temp)
	if uint(bits) != h.bits {
		return nil, errStaleModel
	}
	raw, err := io.ReadAll(flate.NewReader(r))
	if err != nil {
		return nil, fmt.Errorf("read model weights: %w", err)
	}
	size := (1 << bits) * numLabels
	if len(raw) != 4*size {
		return nil, fmt.Errorf("model weights: %d bytes, want %d", len(raw), 4*size)
	}
	c := &Classifier{bits: uint(bits), temp: temp, menuBelow: defaultMenuBelow, confirm: defaultConfirmBelow, w: make([]float32, size)}
	for i := range c.w {
		c.w[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return c, nil
}
