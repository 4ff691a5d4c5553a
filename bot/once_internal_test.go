package bot

import (
	"testing"
	"time"
)

func TestWithoutVolatile(t *testing.T) {
	first := `{"type":"block_actions","trigger_id":"111.222.aaa","response_url":"https:\/\/hooks.slack.com\/actions\/T1\/1\/x","message":{"blocks":[{"type":"section","text":{"text":"say \"trigger_id\":\"keep\" here"}}]},"actions":[{"action_id":"a","value":"1","action_ts":"1.1"}]}`
	tests := []struct {
		name  string
		other string
		same  bool
	}{
		{"the double click", `{"type":"block_actions","trigger_id":"333.444.bbb","response_url":"https:\/\/hooks.slack.com\/actions\/T1\/2\/y","message":{"blocks":[{"type":"section","text":{"text":"say \"trigger_id\":\"keep\" here"}}]},"actions":[{"action_id":"a","value":"1","action_ts":"2.2"}]}`, true},
		{"another value", `{"type":"block_actions","trigger_id":"111.222.aaa","response_url":"https:\/\/hooks.slack.com\/actions\/T1\/1\/x","message":{"blocks":[{"type":"section","text":{"text":"say \"trigger_id\":\"keep\" here"}}]},"actions":[{"action_id":"a","value":"2","action_ts":"1.1"}]}`, false},
		{"text quoting a field changed", `{"type":"block_actions","trigger_id":"111.222.aaa","response_url":"https:\/\/hooks.slack.com\/actions\/T1\/1\/x","message":{"blocks":[{"type":"section","text":{"text":"say \"trigger_id\":\"KEEP\" here"}}]},"actions":[{"action_id":"a","value":"1","action_ts":"1.1"}]}`, false},
		{"message updated", `{"type":"block_actions","trigger_id":"111.222.aaa","response_url":"https:\/\/hooks.slack.com\/actions\/T1\/1\/x","message":{"blocks":[{"type":"section","text":{"text":"another state"}}]},"actions":[{"action_id":"a","value":"1","action_ts":"1.1"}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := digest(withoutVolatile([]byte(first))), digest(withoutVolatile([]byte(tt.other)))
			if (a == b) != tt.same {
				t.Errorf("same key = %v, want %v\n%s\n%s", a == b, tt.same, withoutVolatile([]byte(first)), withoutVolatile([]byte(tt.other)))
			}
		})
	}
}

func TestWithoutVolatileUnterminated(t *testing.T) {
	if got := string(withoutVolatile([]byte(`{"trigger_id":"abc`))); got != `{"trigger_id":"` {
		t.Errorf("got %q", got)
	}
}

// TestSubmissionsExpireBetweenSweeps checks that a remembered envelope is
// forgotten exactly at its expiry, even when the next sweep is not due yet.
func TestSubmissionsExpireBetweenSweeps(t *testing.T) {
	s := newSubmissions()
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	ttl := 100 * time.Millisecond // shorter than sweepEvery
	steps := []struct {
		name  string
		key   string
		at    time.Time
		first bool
	}{
		{"first sight", "a", t0, true},
		{"again within its memory", "a", t0.Add(ttl / 2), false},
		{"another key between sweeps", "b", t0.Add(ttl / 2), true},
		{"at its expiry", "a", t0.Add(ttl), false},
		{"past its expiry, before the next sweep", "a", t0.Add(ttl + time.Nanosecond), true},
		{"remembered again after that", "a", t0.Add(ttl + 2*time.Nanosecond), false},
	}
	for _, st := range steps {
		if _, first := s.claim(st.key, st.at, ttl); first != st.first {
			t.Fatalf("%s: claim(%q) first = %v, want %v", st.name, st.key, first, st.first)
		}
	}
	s.claim("c", t0.Add(sweepEvery+time.Hour), ttl)
	if _, ok := s.seen["b"]; ok || len(s.seen) != 1 {
		t.Fatalf("after a due sweep the memory holds %d entries (b kept: %v), want only c", len(s.seen), ok)
	}
}
