package tracker_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	api := tracker.API{Now: func() time.Time { return now }}
	for _, tc := range []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"none", nil, 0},
		{"seconds", map[string]string{"Retry-After": "17"}, 17 * time.Second},
		{"zero still waits a second", map[string]string{"Retry-After": "0"}, time.Second},
		{"HTTP date", map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0},
		{"GitHub reset", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1796119320"}, 2 * time.Minute},
		{"GitHub requests left", map[string]string{"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "1796119320"}, 0},
		{"Linear reset in ms", map[string]string{"X-RateLimit-Requests-Remaining": "0", "X-RateLimit-Requests-Reset": "1796119230000"}, 30 * time.Second},
	} {
		h := http.Header{}
		for k, v := range tc.header {
			h.Set(k, v)
		}
		if got := api.RetryAfter(h); got != tc.want {
			t.Errorf("%s: RetryAfter = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRedirectedWriteIsReported: a POST answered with a redirect (a
// renamed repository, a moved site) is reported as gone with the new
// place, never replayed as a GET.
func TestRedirectedWriteIsReported(t *testing.T) {
	var gets int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			gets++
			w.Write([]byte(`{}`))
			return
		}
		http.Redirect(w, r, "/repos/acme/renamed/issues", http.StatusMovedPermanently)
	}))
	defer srv.Close()
	api := tracker.API{Name: "Test"}
	_, err := api.Do(context.Background(), tracker.Request{Op: "create", Method: http.MethodPost, URL: srv.URL + "/repos/acme/web/issues", Body: map[string]string{"title": "t"}})
	if workflow.TrackerFaultOf(err) != workflow.FaultGone || !strings.Contains(err.Error(), "moved to /repos/acme/renamed/issues") || gets != 0 {
		t.Fatalf("Do = %v after %d GETs; want a gone fault naming the new place and no GET", err, gets)
	}
}
