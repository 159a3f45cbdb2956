package board

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// minTokenLen keeps the token out of reach of guessing even when a proxy or a port
// forward puts the board on the internet: 16 random characters are ~95 bits.
const minTokenLen = 16

// minTokenRest is how many characters must be left once common words, keyboard runs,
// alphabet or digit sequences and repeated characters are taken out.
const minTokenRest = 10

// commonWords are what a person types when asked for a password. A token made mostly of
// them is guessed from a list long before the throttle matters.
var commonWords = []string{
	"password", "passwort", "passw0rd", "p@ssw0rd", "p@ssword", "pass", "qwerty", "qwertz", "azerty", "asdf",
	"zxcv", "letmein", "welcome", "admin", "administrator", "root", "login", "secret", "token", "changeme",
	"change", "default", "iloveyou", "monkey", "dragon", "master", "shadow", "sunshine", "princess",
	"football", "baseball", "superman", "trustno1", "hello", "test", "guest", "user", "aftersale", "board",
	"shop", "taobao", "douyin", "kuaishou", "weixin", "wechat", "woaini", "nihao", "example",
}

// weakToken says why a token is guessable, or "" when it is not.
func weakToken(t string) string {
	n := utf8.RuneCountInString(t)
	switch {
	case strings.TrimSpace(t) == "":
		return "is empty"
	case n < minTokenLen:
		return "is shorter than 16 characters"
	case strings.IndexFunc(t, func(r rune) bool { return !unicode.IsDigit(r) }) < 0:
		return "is only digits"
	case repeatsUnit(t):
		return "repeats the same characters"
	case distinctRunes(t) < 6:
		return "uses too few different characters"
	case utf8.RuneCountInString(strip(strings.ToLower(t))) < minTokenRest:
		return "is made of common words or sequences (like password, 12345678, qwerty, abcdef)"
	}
	return ""
}

// repeatsUnit reports whether t is one shorter string repeated ("abab", "xyzxyzxyz").
func repeatsUnit(t string) bool {
	r := []rune(t)
outer:
	for size := 1; size <= len(r)/2; size++ {
		if len(r)%size != 0 {
			continue
		}
		for i := size; i < len(r); i++ {
			if r[i] != r[i-size] {
				continue outer
			}
		}
		return true
	}
	return false
}

func distinctRunes(t string) int {
	seen := map[rune]bool{}
	for _, r := range t {
		seen[r] = true
	}
	return len(seen)
}

// keyboardRows are runs people type along the keyboard.
var keyboardRows = []string{"`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./", "1qaz2wsx3edc4rfv5tgb"}

// strip takes out of a lower-cased token the common words, runs of 3 or more along the
// alphabet, the digits or a keyboard row (either way), and characters repeated 3 or
// more times in a row; what is left is what a guesser would not try first.
func strip(t string) string {
	for _, w := range commonWords {
		t = strings.ReplaceAll(t, w, "\x00")
	}
	r := []rune(t)
	drop := make([]bool, len(r))
	mark := func(i, j int) { // r[i:j] is guessable
		if j-i >= 3 {
			for k := i; k < j; k++ {
				drop[k] = true
			}
		}
	}
	// Sequences: each next character one up or one down (abc, 321), or the same (aaa).
	for _, step := range []rune{1, -1, 0} {
		start := 0
		for i := 1; i <= len(r); i++ {
			if i < len(r) && r[i] != 0 && r[i]-r[i-1] == step {
				continue
			}
			mark(start, i)
			start = i
		}
	}
	// Keyboard runs, either way along a row.
	for _, row := range keyboardRows {
		for _, line := range []string{row, reverse(row)} {
			for i := range r {
				k := strings.IndexRune(line, r[i])
				if k < 0 {
					continue
				}
				j := i
				for j < len(r) && k+j-i < len(line) && rune(line[k+j-i]) == r[j] {
					j++
				}
				mark(i, j)
			}
		}
	}
	var out []rune
	for i, c := range r {
		if !drop[i] && c != 0 {
			out = append(out, c)
		}
	}
	return string(out)
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
