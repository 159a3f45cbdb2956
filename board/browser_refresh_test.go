package board_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aftersale/aftersale/board"
	"github.com/aftersale/aftersale/internal/longtest"
)

// TestBrowserListRefreshes: the case list picks up a new case by itself, and does not
// reload while the merchant is typing in the search box (issue 16, item 10).
func TestBrowserListRefreshes(t *testing.T) {
	longtest.Skip(t, "headless Chromium")
	if _, err := os.Stat(chromium); err != nil {
		if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
			t.Fatalf("CI is set but %s is missing: .ci/run should install it: %v", chromium, err)
		}
		t.Skipf("no %s", chromium)
	}
	e := newEnv(t)
	e.useBoard(func(o *board.Options) { o.Refresh = time.Second })
	e.say(buyer, "退款 "+cupOrder)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	defer cancelBrowser()
	step := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(browser, steps...); err != nil {
			t.Fatalf("browser: %s: %v", name, err)
		}
	}
	// poll evaluates expr until it is true or within passes; a reload in between (which
	// is what is being tested) only fails that one evaluation.
	poll := func(expr string, within time.Duration) error {
		var err error
		for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			var ok bool
			if ok, err = chromedp.Run(browser, chromedp.Evaluate[bool](expr)); err == nil && ok {
				return nil
			}
		}
		return fmt.Errorf("%s still false after %v (last error %v)", expr, within, err)
	}
	step("log in",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), token),
		chromedp.Click(chromedp.CSS(`#login`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/case/demo/A1"]`)),
	)
	e.say("买家小李", "换货 "+bedOrder)
	if err := poll(`document.querySelector('a[href="/case/demo/A2"]') !== null`, 10*time.Second); err != nil {
		t.Fatalf("the list did not show the new case A2 by itself: %v", err)
	}
	// Typing: a mark on the page and the half-typed search survive while a new case waits.
	step("type in the search box",
		chromedp.Evaluate[chromedp.Void](`window.stay = 1`),
		chromedp.Focus(chromedp.CSS(`#search`)),
		chromedp.SendKeys(chromedp.CSS(`#search`), "4705"),
	)
	e.say("买家小赵", "退货 4705288465508532862")
	if err := poll(`window.stay !== 1`, 3*time.Second); err == nil {
		t.Fatal("the list reloaded while the merchant was typing")
	}
	typed, err := chromedp.Run(browser, chromedp.Value(chromedp.CSS(`#search`)))
	if err != nil || typed != "4705" {
		t.Fatalf("search box holds %q (%v), want the half-typed 4705", typed, err)
	}
}
