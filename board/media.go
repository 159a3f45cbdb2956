package board

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// media serves one evidence picture. The path is as the channel recorded it (absolute,
// or relative to the working directory); it must lie under MediaDir, and os.Root refuses
// any symlink or ".." that would lead out of it. Only images are served: a buyer can
// send any file, and an HTML one served from this origin would run as the board.
func (b *Board) media(w http.ResponseWriter, r *http.Request) {
	rel, ok := b.mediaRel(r.URL.Query().Get("path"))
	if !ok {
		b.log.Warn("board: media path outside the media dir refused", "path", r.URL.Query().Get("path"))
		b.errorPage(w, r, "不能访问这个文件 / forbidden", http.StatusForbidden)
		return
	}
	root, err := os.OpenRoot(b.mediaDir)
	if err != nil {
		b.fail(w, r, "open media dir", err)
		return
	}
	defer root.Close()
	f, err := root.Open(rel)
	if errors.Is(err, fs.ErrNotExist) {
		b.errorPage(w, r, "文件不存在 / not found", http.StatusNotFound)
		return
	}
	if err != nil {
		b.log.Warn("board: media file refused", "path", rel, "err", err)
		b.errorPage(w, r, "不能访问这个文件 / forbidden", http.StatusForbidden)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		b.errorPage(w, r, "不能访问这个文件 / forbidden", http.StatusForbidden)
		return
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	ctype := http.DetectContentType(head[:n])
	if !strings.HasPrefix(ctype, "image/") || ctype == "image/svg+xml" {
		b.errorPage(w, r, "不是图片 / not an image", http.StatusUnsupportedMediaType)
		return
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		b.fail(w, r, "read media", err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// mediaRel turns a recorded path into one relative to MediaDir, refusing anything that
// is not lexically inside it.
func (b *Board) mediaRel(p string) (string, bool) {
	if b.mediaDir == "" || p == "" || strings.ContainsRune(p, 0) {
		return "", false
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(b.mediaDir, abs)
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return "", false
	}
	return rel, true
}
