package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzDecodeYAML checks that no configuration file, however malformed,
// panics the decoder, and that whatever it accepts still validates or
// reports problems rather than crashing Validate.
func FuzzDecodeYAML(f *testing.F) {
	if data, err := os.ReadFile("../../config.example.yaml"); err == nil {
		f.Add(string(data))
	}
	f.Add("llm:\n  base_ur: x\n")
	f.Add("discord:\n  guild_ids: [1, [2], {a: b}]\n")
	f.Add("a: &x [*x]\n")
	f.Add("? [a, b]\n: c\n")
	f.Add("llm: {timeout: 1h, temperature: .inf, max_tokens: 0x10}\n")
	f.Fuzz(func(t *testing.T, in string) {
		cfg := DefaultConfig()
		_ = decodeYAML([]byte(in), &cfg)
		_ = cfg.Validate()
	})
}

// FuzzCheckQuestion checks that any question is either accepted or refused
// with an error, and that an accepted one has something to search for.
func FuzzCheckQuestion(f *testing.F) {
	for _, s := range []string{"", " ", "?!", "🤔", "Quando?", "\xff", strings.Repeat("a", 3000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if err := checkQuestion(q, 2000); err == nil && strings.TrimSpace(q) == "" {
			t.Errorf("checkQuestion(%q) accepted a blank question", q)
		}
	})
}

func TestRunWiresTheRealProcess(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"config", "--keys"}, strings.NewReader(""), &stdout, &stderr, envOf(nil))
	if code != 0 || !strings.Contains(stdout.String(), "BRIEFING_INDEX_DIR") {
		t.Errorf("run(config --keys) = %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}
