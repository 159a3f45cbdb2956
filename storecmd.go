package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"runtime/debug"
	"text/tabwriter"

	"github.com/aftersale/aftersale/cases"
)

// storeCmd runs `aftersale store copy -from FILE.db -to postgres://…`: the move from one
// shop's SQLite file to a PostgreSQL shared by several instances.
func (m *Main) storeCmd(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "copy" {
		fmt.Fprintln(m.Stderr, "用法 / usage: aftersale store copy -from FILE.db -to postgres://USER@HOST:5432/DB")
		return exitUsage
	}
	fs := flag.NewFlagSet("store copy", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	from := fs.String("from", "", "SQLite 数据库文件 (the SQLite store to copy)")
	to := fs.String("to", "", "PostgreSQL 地址 postgres://…，密码放在 PGPASSWORD (the PostgreSQL store; password in PGPASSWORD)")
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	if *from == "" || cases.IsURL(*from) || !cases.IsURL(*to) {
		fmt.Fprintln(m.Stderr, "需要 -from 一个 SQLite 文件和 -to 一个 postgres:// 地址 / want -from FILE.db and -to postgres://…")
		return exitUsage
	}
	// Read-only: the file is never changed (and no lock is taken: stop the bot first,
	// or run the copy again afterwards to pick up what it wrote meanwhile).
	src, err := cases.Open(*from, cases.Options{Now: m.Now, ReadOnly: true})
	if err != nil {
		fmt.Fprintf(m.Stderr, "打开 SQLite 失败 / open %s: %v\n", *from, err)
		return exitFail
	}
	defer src.Close()
	dst, err := cases.Open(*to, cases.Options{Now: m.Now})
	if err != nil {
		// The error names host/database only: the URL may hold a password.
		fmt.Fprintf(m.Stderr, "打开 PostgreSQL 失败 / open PostgreSQL: %v\n", err)
		return exitFail
	}
	defer dst.Close()
	counts, err := cases.Copy(ctx, src, dst)
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "表 table\tSQLite\tPostgreSQL")
	for _, c := range counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\n", c.Table, c.From, c.To)
	}
	tw.Flush()
	if errors.Is(err, cases.ErrCopyMismatch) {
		fmt.Fprintf(m.Stderr, "行数不符，复制不完整 / %v\n", err)
		return exitFail
	}
	if err != nil {
		fmt.Fprintf(m.Stderr, "复制失败，PostgreSQL 未改动 / copy failed, nothing written: %v\n", err)
		return exitFail
	}
	fmt.Fprintln(m.Stdout, "复制完成，行数一致 / copied, counts verified (再运行一次不会重复 / safe to run again)")
	return exitOK
}

// version is the release this binary is, set at link time (go build -ldflags
// "-X main.version=v1.2.0"); empty in a plain build, which reports its module version
// and commit instead. Never changed at run time.
var version string

// versionCmd prints the program's version from its build information: the module
// version, or the commit it was built from.
func (m *Main) versionCmd() int {
	v, rev, at, dirty, goVer := "(devel)", "", "", false, ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		v, goVer = bi.Main.Version, bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if version != "" {
		v = version
	}
	line := "aftersale " + v
	if rev != "" {
		line += " " + rev[:min(12, len(rev))]
		if dirty {
			line += "+modified"
		}
		if at != "" {
			line += " (" + at + ")"
		}
	}
	fmt.Fprintln(m.Stdout, line, goVer)
	return exitOK
}
