package bot

import "testing"

func TestRawField(t *testing.T) {
	doc := []byte(`{"type":"view_submission","view":{"id":"V1","state":{"values":{"a":{"a":{"value":"x }"}}}},"hash":"h"},"state":"top"}`)
	tests := []struct {
		path []string
		want string
	}{
		{[]string{"view", "state"}, `{"values":{"a":{"a":{"value":"x }"}}}}`},
		{[]string{"state"}, `"top"`},
		{[]string{"view", "missing"}, ""},
		{[]string{"type", "state"}, ""},
	}
	for _, tt := range tests {
		if got := string(rawField(doc, tt.path...)); got != tt.want {
			t.Errorf("rawField(%v) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
