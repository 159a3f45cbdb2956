package config

import (
	"text/template"

	"github.com/aftersale/aftersale/vocab"
)

// TemplateFuncs are the functions reply and alert templates may call: vocab's, the same
// set the engine registers, so a template that passes check-config also runs.
//
//	deadline: a time.Time in China time, "11月28日 18:00"; "待定" for the zero time
//	left:     a time.Duration, "5小时20分", "45分钟", "不到1分钟"; negative as "已超时2小时"
func TemplateFuncs() template.FuncMap { return vocab.TemplateFuncs() }
