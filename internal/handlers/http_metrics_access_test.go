package handlers_test

import (
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

const scraperToken = "scraper-token-0123456789abcdef"

func expectMetrics(t *testing.T, r apitest.Resp) {
	t.Helper()
	apitest.Expect(t, r, 200)
	if !strings.Contains(string(r.Body), "twincms_http_requests_total") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("not the metrics: %s %.200s", r.Header.Get("Content-Type"), r.Body)
	}
}

// The shipped default (TWINCMS_METRICS unset: token): /metrics takes an
// admin token or the scraper's token; none, a wrong one or another role's
// is refused, and the scraper's token opens nothing else.
func TestMetricsTokenModeIsTheDefault(t *testing.T) {
	s := apitest.Empty(t, map[string]string{"TWINCMS_METRICS": "", "TWINCMS_METRICS_TOKEN": scraperToken})
	// Unchecked: the package's document is the kit's (public) one, where
	// /metrics takes no token.
	get := func(token string) apitest.Resp {
		return apitest.DoUnchecked(t, s.Base, apitest.Req{Method: "GET", Path: "/metrics", Token: token})
	}
	apitest.ExpectProblem(t, get(""), 401, "unauthorized")
	apitest.ExpectProblem(t, get("not-the-scraper-token-000000"), 401, "unauthorized")
	apitest.ExpectProblem(t, get(s.NewToken(t, "editor")), 403, "forbidden")
	expectMetrics(t, get(apitest.AdminToken))
	expectMetrics(t, get(scraperToken))
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: scraperToken}), 401, "unauthorized")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/tokens", Token: scraperToken}), 401, "unauthorized")
}

func TestMetricsPublicMode(t *testing.T) {
	s := apitest.Empty(t, map[string]string{"TWINCMS_METRICS": "public"})
	expectMetrics(t, s.Do(t, apitest.Req{Method: "GET", Path: "/metrics"}))
}

func TestMetricsOffServesNone(t *testing.T) {
	s := apitest.Empty(t, map[string]string{"TWINCMS_METRICS": "off", "TWINCMS_METRICS_ADDR": "127.0.0.1:0"})
	apitest.ExpectProblem(t, apitest.DoUnchecked(t, s.Base, apitest.Req{Method: "GET", Path: "/metrics", Token: apitest.AdminToken}), 404, "not-found")
	if s.MetricsBase != "" {
		t.Fatalf("off, yet a metrics listener at %s", s.MetricsBase)
	}
	// Still counted: the API works as ever.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: apitest.AdminToken}), 200)
}

// TWINCMS_METRICS_ADDR: /metrics on its own listener only, which serves
// nothing else; the access mode holds there too.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	for _, mode := range []string{"public", "token"} {
		t.Run(mode, func(t *testing.T) {
			s := apitest.Empty(t, map[string]string{"TWINCMS_METRICS": mode, "TWINCMS_METRICS_ADDR": "127.0.0.1:0",
				"TWINCMS_METRICS_TOKEN": scraperToken})
			if s.MetricsBase == "" {
				t.Fatal("no metrics listener")
			}
			apitest.ExpectProblem(t, apitest.DoUnchecked(t, s.Base, apitest.Req{Method: "GET", Path: "/metrics", Token: apitest.AdminToken}), 404, "not-found")
			m := func(path, token string) apitest.Resp {
				return apitest.DoUnchecked(t, s.MetricsBase, apitest.Req{Method: "GET", Path: path, Token: token})
			}
			if mode == "public" {
				expectMetrics(t, m("/metrics", ""))
			} else {
				apitest.ExpectProblem(t, m("/metrics", ""), 401, "unauthorized")
				expectMetrics(t, m("/metrics", scraperToken))
			}
			// The API's own requests are counted there.
			if !strings.Contains(string(m("/metrics", scraperToken).Body), `route="/metrics"`) {
				t.Fatal("requests not counted")
			}
			for _, p := range []string{"/api/v1/me", "/healthz", "/openapi.json", "/"} {
				apitest.ExpectProblem(t, m(p, apitest.AdminToken), 404, "not-found")
			}
		})
	}
}
