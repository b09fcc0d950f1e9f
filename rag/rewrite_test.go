package rag_test

import (
	"context"
	"strings"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/rag"
)

// isRewrite tells rewrite requests from answer requests.
func isRewrite(r openaitest.ChatRequest) bool { return strings.HasPrefix(r.System(), "You translate") }

// TestQueryRewriteFindsWhatTheGlossaryMisses asks in English with words the
// glossary lacks ("fighters", "perished"): alone, the question finds no
// passage on the losses and is refused; with the server's rewrite into
// Italian the losses passage is retrieved, fused with the original's
// results, and answered. The rewrite is cached.
func TestQueryRewriteFindsWhatTheGlossaryMisses(t *testing.T) {
	t.Parallel()
	const (
		question = "How many of Pyongyang's fighters perished?"
		rewrite  = "Quanti soldati nordcoreani sono stati uccisi?"
		evidence = "circa 4.000 soldati nordcoreani sono stati uccisi"
	)
	docs := mustDefaultDocs(t)
	holds := func(hits []briefing.Hit) bool {
		for _, h := range hits {
			if strings.Contains(h.Passage.Text, evidence) {
				return true
			}
		}
		return false
	}
	offline := mustEngine(t, "", rag.Options{}, docs)
	base, err := offline.Answer(context.Background(), briefing.Request{Question: question})
	if err != nil {
		t.Fatal(err)
	}
	if holds(base.Hits) || !base.Refused {
		t.Fatalf("offline Answer(%q) finds the evidence (refused %v): the test needs a question the glossary misses", question, base.Refused)
	}

	tests := []struct {
		name        string
		rewrite     openaitest.Reply
		enabled     bool
		wantHits    bool
		wantRewrite int // rewrite requests after two identical questions
	}{
		{name: "rewrite fused and cached", rewrite: openaitest.Text("Translation: \"" + rewrite + "\""), enabled: true, wantHits: true, wantRewrite: 1},
		{name: "rewriting off", rewrite: openaitest.Text(rewrite), enabled: false, wantHits: false, wantRewrite: 0},
		{name: "rewrite fails: glossary only", rewrite: openaitest.Status(500, "down"), enabled: true, wantHits: false, wantRewrite: 2 * 3},
		{name: "rewrite unusable: glossary only", rewrite: openaitest.Text("Lavrov [1].\nSecond line."), enabled: true, wantHits: false, wantRewrite: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.OnChat(func(r openaitest.ChatRequest) openaitest.Reply {
				if isRewrite(r) {
					return tt.rewrite
				}
				return openaitest.Text("About 4,000 [1].")
			})
			e, logs := mustLLMEngine(t, srv, testLLMConfig(srv), rag.Options{RewriteQueries: tt.enabled}, docs)
			for i := range 2 {
				a, err := e.Answer(context.Background(), briefing.Request{Question: question})
				if err != nil {
					t.Fatal(err)
				}
				if got := holds(a.Hits); got != tt.wantHits {
					t.Errorf("ask %d: evidence in hits = %v, want %v", i+1, got, tt.wantHits)
				}
				if tt.wantHits && (a.Refused || !a.Generated || a.Lang != "en" || len(a.Citations) != 1 || !strings.Contains(a.Citations[0].Passage.Text, evidence)) {
					t.Errorf("ask %d: Answer = %q (refused %v, generated %v, lang %q), want a generated English answer citing the evidence",
						i+1, a.Text, a.Refused, a.Generated, a.Lang)
				}
			}
			n := 0
			for _, r := range srv.ChatRequests() {
				if isRewrite(r) {
					n++
					if !strings.Contains(r.LastUser(), question) || !strings.Contains(r.System(), "into Italian") {
						t.Errorf("rewrite request = %q / %q, want the question to translate into Italian", r.System(), r.LastUser())
					}
				}
			}
			if n != tt.wantRewrite {
				t.Errorf("rewrite requests = %d, want %d", n, tt.wantRewrite)
			}
			if !tt.wantHits && tt.enabled {
				if warns := logs.lines("WARN"); len(warns) != 2 || !strings.Contains(warns[0], "rewrite") {
					t.Errorf("warn lines = %q, want one per question about the rewrite", warns)
				}
			}
		})
	}
}
