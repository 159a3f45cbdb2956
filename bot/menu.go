package bot

import (
	"regexp"
	"strings"
)

// MenuChoice is one numbered line of a menu reply: the number a buyer types to choose it
// and the words shown for it.
type MenuChoice struct {
	Number string // "1"…"9", "0" for a person
	Label  string // "退款", "转人工"
}

// menuChoiceLine is one line of the numbered menu the engine builds (menu, remedies, reMenu):
// "N. label", the person's line "0. 转人工" last.
var menuChoiceLine = regexp.MustCompile(`^([0-9])\. (\S.*)$`)

// SplitMenu reads a reply that carries the engine's numbered menu: the text before it,
// its choices in order, the text after it; ok is false for a reply without one. A
// channel with clickable menus (微信客服 msgmenu) sends the choices as buttons and feeds
// a click back as the choice's Number, which the engine reads as if it had been typed.
// The reply stays plain text in the outbox, so a resent reply becomes buttons again.
func SplitMenu(text string) (head string, choices []MenuChoice, tail string, ok bool) {
	lines := strings.Split(text, "\n")
	for end := range lines {
		if strings.TrimSpace(lines[end]) != "0. 转人工" {
			continue
		}
		start := end
		for start > 0 && menuChoiceLine.MatchString(strings.TrimSpace(lines[start-1])) {
			start--
		}
		if end-start < 1 || !strings.HasPrefix(strings.TrimSpace(lines[start]), "1. ") {
			continue
		}
		for _, l := range lines[start : end+1] {
			m := menuChoiceLine.FindStringSubmatch(strings.TrimSpace(l))
			choices = append(choices, MenuChoice{Number: m[1], Label: m[2]})
		}
		head = strings.TrimSpace(strings.Join(lines[:start], "\n"))
		tail = strings.TrimSpace(strings.Join(lines[end+1:], "\n"))
		return head, choices, tail, true
	}
	return "", nil, "", false
}
