//go:build browser

package web_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

// An admin backs up from the dashboard: the Backups panel says where
// backups go, "Back up now" runs one and the panel reports it; axe finds
// nothing on the panel.
func TestBrowserAdminBackupFromDashboard(t *testing.T) {
	s := apitest.Empty(t, map[string]string{"TWINCMS_BACKUP_TARGET": filepath.Join(t.TempDir(), "backups")})
	u := newBrowser(t)
	u.base = s.Base
	u.signIn(apitest.AdminToken)
	u.open("#/dashboard")
	u.waitJS(`document.querySelector("#backups #backup-state")`)
	if txt := u.text("#backup-state"); !strings.Contains(txt, "Kopije v tem zagonu še ni bilo") || !strings.Contains(txt, "Shranjenih kopij: 0") {
		t.Fatalf("backup panel before: %q", txt)
	}
	u.run(chromedp.Click(`#run-backup`))
	u.waitJS(`document.querySelector("#backup-state").textContent.includes("Zadnja kopija")`)
	if txt := u.text("#backup-state"); !strings.Contains(txt, "Shranjenih kopij: 1") {
		t.Fatalf("backup panel after: %q", txt)
	}
	st := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/backups", Token: apitest.AdminToken}), 200).Map(t)
	if st["last"].(map[string]any)["status"] != "succeeded" {
		t.Fatalf("status: %v", st)
	}
	u.axe("dashboard with the backups panel")
}
