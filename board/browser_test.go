package board_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aftersale/aftersale/internal/longtest"
)

const chromium = "/usr/bin/chromium"

// TestBrowserApprove drives the board in headless Chromium as a merchant would: log in,
// find the case, open it, approve it, confirm, and read the buyer's approval in the
// transcript. Set BOARD_SCREENSHOTS=1 to save /tmp/board-list.png, /tmp/board-case.png
// and /tmp/board-confirm.png (Chinese needs a CJK font: Debian fonts-noto-cjk).
func TestBrowserApprove(t *testing.T) {
	longtest.Skip(t, "headless Chromium")
	if _, err := os.Stat(chromium); err != nil {
		if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
			t.Fatalf("CI is set but %s is missing: .ci/run should install it: %v", chromium, err)
		}
		t.Skipf("no %s", chromium)
	}
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder)
	e.say(buyer, "<b>杯子裂了</b> 快点处理")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
	)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	defer cancelBrowser()

	shots := os.Getenv("BOARD_SCREENSHOTS") != ""
	shot := func(path string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if !shots {
				return nil
			}
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(path, png, 0o644)
		})
	}
	step := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(browser, steps...); err != nil {
			t.Fatalf("browser: %s: %v", name, err)
		}
	}
	read := func(name string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(browser, a)
		if err != nil {
			t.Fatalf("browser: %s: %v", name, err)
		}
		return v
	}

	step("log in",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), token),
		chromedp.Click(chromedp.CSS(`#login`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/case/demo/A1"]`)),
	)
	urlAfterLogin := read("location", chromedp.Location())
	// The server rendered 剩1天0小时; only the page script ticking makes it 剩23小时59分….
	step("countdown ticks", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`document.querySelector("[data-deadline]").textContent.startsWith("剩23小时59分")`,
			chromedp.WithPollingTimeout(5*time.Second))(ctx, tg)
		return err
	}))
	countdown := read("countdown", chromedp.Text(chromedp.CSS(`[data-deadline]`)))
	step("open case",
		shot("/tmp/board-list.png"),
		chromedp.Click(chromedp.CSS(`a[href="/case/demo/A1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#approve`)),
		shot("/tmp/board-case.png"),
	)
	step("approve",
		chromedp.Click(chromedp.CSS(`#approve`)),
		chromedp.WaitVisible(chromedp.CSS(`#confirm`)),
		shot("/tmp/board-confirm.png"),
	)
	if c := e.mustCase("A1"); c.State != "waiting_merchant" {
		t.Fatalf("State=%v before the 同意 was confirmed, want waiting_merchant", c.State)
	}
	step("confirm",
		chromedp.Click(chromedp.CSS(`#confirm`)),
		chromedp.WaitVisible(chromedp.CSS(`#flash`)),
	)
	flash := read("flash", chromedp.Text(chromedp.CSS(`#flash`)))
	transcript := read("transcript", chromedp.Text(chromedp.CSS(`#transcript`)))
	if !strings.HasSuffix(urlAfterLogin, "/") {
		t.Errorf("after login at %s, want the list", urlAfterLogin)
	}
	if !strings.HasPrefix(countdown, "剩23小时59分") {
		t.Errorf("countdown = %q, want the script to tick it", countdown)
	}
	if !strings.Contains(flash, "A1 已同意") {
		t.Errorf("flash = %q, want the engine's reply to the merchant", flash)
	}
	for _, want := range []string{"退款 " + cupOrder, "<b>杯子裂了</b>", "店主已同意"} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript %q lacks %q", transcript, want)
		}
	}
	if c := e.mustCase("A1"); c.State != "resolved" {
		t.Errorf("State=%v after clicking 同意, want resolved", c.State)
	}
	if shots {
		t.Log("screenshots: /tmp/board-list.png /tmp/board-case.png /tmp/board-confirm.png")
	}
}
