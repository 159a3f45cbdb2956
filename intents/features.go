package intents

// Feature kinds are mixed into each hash so that, say, the unigram 退 and the bigram 退款
// never share a bucket by construction. negSalt marks n-grams inside a negation scope.
const (
	kindBias    = 1
	kindUni     = 2
	kindBi      = 3
	kindTri     = 4
	kindSkip    = 5
	kindLen     = 6
	kindQuad    = 7
	negSalt     = 0x100
	maxFeatures = 5*(maxRunes+2) + 4
)

// featureSet is the hashed feature buckets of one message; fixed-size so Classify keeps it
// on the stack.
type featureSet struct {
	b [maxFeatures]uint32
	n int
}

// hashFeature maps an n-gram (runes a, b, c, d by position; 0 when unused) and its kind to a
// bucket in [0, 1<<bits). A multiply-xorshift mix: fast, and good enough that collisions
// are spread evenly over the table.
func hashFeature(kind uint64, a, b, c, d rune, bits uint) uint32 {
	h := kind*0x27D4EB2F165667C5 ^ uint64(a)*0x9E3779B97F4A7C15 ^ uint64(b)*0xC2B2AE3D27D4EB4F ^
		uint64(c)*0x165667B19E3779F9 ^ uint64(d)*0xD6E8FEB86659FD93
	h ^= h >> 31
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 29
	h *= 0x94D049BB133111EB
	h ^= h >> 32
	return uint32(h >> (64 - bits))
}

// lengthBucket groups message lengths: very short messages ("好的", "在吗") behave unlike
// long ones, and the model needs to know which it is looking at.
func lengthBucket(n int) rune {
	switch {
	case n <= 2:
		return 1
	case n <= 4:
		return 2
	case n <= 8:
		return 3
	case n <= 16:
		return 4
	case n <= 32:
		return 5
	}
	return 6
}

// extract fills fs with the features of t: a bias, the length bucket, and character
// 1-, 2-, 3-, 4-grams and skip-bigrams over the text framed by start/end markers.
func extract(t *normText, bits uint, fs *featureSet) {
	fs.n = 0
	add := func(kind uint64, a, b, c, d rune) {
		fs.b[fs.n] = hashFeature(kind, a, b, c, d, bits)
		fs.n++
	}
	add(kindBias, 0, 0, 0, 0)
	add(kindLen, lengthBucket(t.n), 0, 0, 0)
	n := t.n + 2
	at := func(i int) rune { // i indexes the framed text: 0 is BOS, n-1 is EOS
		switch {
		case i == 0:
			return runeBOS
		case i == n-1:
			return runeEOS
		}
		return t.r[i-1]
	}
	negAt := func(i int) bool { return i > 0 && i < n-1 && t.neg[i-1] }
	salt := func(kind uint64, from, to int) uint64 {
		for i := from; i <= to; i++ {
			if !negAt(i) {
				return kind
			}
		}
		return kind | negSalt
	}
	for i := 0; i < n; i++ {
		a := at(i)
		if i > 0 && i < n-1 {
			add(salt(kindUni, i, i), a, 0, 0, 0)
		}
		if i+1 < n {
			add(salt(kindBi, i, i+1), a, at(i+1), 0, 0)
		}
		if i+2 < n {
			add(salt(kindTri, i, i+2), a, at(i+1), at(i+2), 0)
			add(salt(kindSkip, i, i+2), a, at(i+2), 0, 0)
		}
		if i+3 < n {
			add(salt(kindQuad, i, i+3), a, at(i+1), at(i+2), at(i+3))
		}
	}
}
