package rag_test

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/internal/ground"
	"github.com/briefing/briefing/internal/openaitest"
	"github.com/briefing/briefing/rag"
)

var (
	passageNum = regexp.MustCompile(`<passage n="(\d+)"`)
	partialRE  = regexp.MustCompile(`(?s)<summary part="\d+">\n(.*?)\n</summary>`)
)

func isMap(r openaitest.ChatRequest) bool    { return strings.HasPrefix(r.System(), "You summarise") }
func isReduce(r openaitest.ChatRequest) bool { return strings.HasPrefix(r.System(), "You merge") }

// summaryServer answers map steps by citing the first and last passage of
// their group (each with a sentence taken from it, so the citation is
// plausible) plus an invalid [999] and an uncited claim, and reduce steps
// by joining the partial summaries, so citations flow through both steps.
func summaryServer(t *testing.T) *openaitest.Server {
	srv := openaitest.New(t)
	srv.OnChat(func(r openaitest.ChatRequest) openaitest.Reply {
		switch {
		case isMap(r):
			ps := passageTag.FindAllStringSubmatch(r.LastUser(), -1)
			first, last := ps[0], ps[len(ps)-1]
			return openaitest.Text(words(first[2], 8) + " [" + first[1] + "]. " +
				"Kim ha venduto la Luna. " +
				words(last[2], 8) + " [" + last[1] + "][999].")
		case isReduce(r):
			var parts []string
			for _, m := range partialRE.FindAllStringSubmatch(r.LastUser(), -1) {
				parts = append(parts, m[1])
			}
			return openaitest.Text(strings.Join(parts, " "))
		}
		return openaitest.Status(400, "unexpected request")
	})
	return srv
}

// words returns the first n words of s, without final punctuation.
func words(s string, n int) string {
	f := strings.Fields(s)
	return strings.TrimRight(strings.Join(f[:min(n, len(f))], " "), ".,;:!?")
}

// mapNumbers lists the passage numbers of each map request.
func mapNumbers(reqs []openaitest.ChatRequest) [][]int {
	var out [][]int
	for _, r := range reqs {
		if !isMap(r) {
			continue
		}
		var ns []int
		for _, m := range passageNum.FindAllStringSubmatch(r.LastUser(), -1) {
			n, _ := strconv.Atoi(m[1])
			ns = append(ns, n)
		}
		out = append(out, ns)
	}
	// Map steps run concurrently: order the groups by their numbers.
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func TestGeneratedSummaries(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	tests := []struct {
		name    string
		req     briefing.SummaryRequest
		budget  int
		stream  bool
		maps    int // at least this many map steps
		reduce  bool
		refused bool
	}{
		{name: "corpus in groups", req: briefing.SummaryRequest{}, budget: 1500, maps: 2, reduce: true},
		{name: "corpus streamed reduce", req: briefing.SummaryRequest{Lang: "en"}, budget: 1500, stream: true, maps: 2, reduce: true},
		{name: "document in one step", req: briefing.SummaryRequest{DocID: "russia-north-korea-alliance"}, budget: 100000, stream: true, maps: 1},
		{name: "topic", req: briefing.SummaryRequest{Topic: "proiettili di artiglieria"}, budget: 50, maps: 2, reduce: true},
		{name: "uncovered topic", req: briefing.SummaryRequest{Topic: "Japanese economy"}, refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := summaryServer(t)
			e, logs := mustLLMEngine(t, srv, testLLMConfig(srv), rag.Options{SummaryTokenBudget: tt.budget}, docs)
			var streamed strings.Builder
			req := tt.req
			if tt.stream {
				req.OnDelta = func(d string) { streamed.WriteString(d) }
			}
			a, err := e.Summarize(context.Background(), req)
			if err != nil {
				t.Fatalf("Summarize: %v", err)
			}
			reqs := srv.ChatRequests()
			if tt.refused {
				if !a.Refused || len(reqs) != 0 {
					t.Errorf("Summarize = refused %v after %d chat requests, want a refusal without the LLM", a.Refused, len(reqs))
				}
				return
			}
			if !a.Generated || a.Fallback || len(a.Citations) < 2 || strings.Contains(a.Text, "999") {
				t.Fatalf("Summarize = %q (generated %v, fallback %v %q, %d citations), want a generated summary without [999]",
					a.Text, a.Generated, a.Fallback, a.FallbackReason, len(a.Citations))
			}
			if strings.Contains(a.Text, "Luna") {
				t.Errorf("Summarize = %q, want the uncited sentence removed", a.Text)
			}
			checkCitations(t, docs, a)
			groups := mapNumbers(reqs)
			if len(groups) < tt.maps || (tt.maps == 1 && len(groups) != 1) {
				t.Errorf("map steps = %d, want at least %d", len(groups), tt.maps)
			}
			next := 1
			for _, g := range groups { // global numbering: 1..N across groups
				for _, n := range g {
					if n != next {
						t.Fatalf("map numbering %v, want consecutive numbers across groups", groups)
					}
					next++
				}
			}
			reduces := 0
			var last openaitest.ChatRequest
			for _, r := range reqs {
				if isReduce(r) {
					reduces++
					if strings.Contains(r.LastUser(), "999") {
						t.Errorf("reduce step received an invalid citation: %s", r.LastUser())
					}
					if strings.Contains(r.LastUser(), "Luna") {
						t.Errorf("reduce step received an uncited sentence: %s", r.LastUser())
					}
				}
				last = r
			}
			if want := map[bool]int{true: 1, false: 0}[tt.reduce]; reduces != want {
				t.Errorf("reduce steps = %d, want %d", reduces, want)
			}
			if tt.stream && (!last.Stream || streamed.Len() == 0) {
				t.Errorf("last step streamed %v (%d chars), want it streamed", last.Stream, streamed.Len())
			}
			if tt.req.Lang == "en" && !strings.Contains(last.System(), "Write in English") {
				t.Errorf("system message does not ask for English:\n%s", last.System())
			}
			if warns := logs.lines("WARN"); len(warns) != 0 {
				t.Errorf("warnings: %q", warns)
			}

			// The same request again is served from the cache.
			again, err := e.Summarize(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(srv.ChatRequests()); n != len(reqs) {
				t.Errorf("repeated summary sent %d more chat requests, want 0", n-len(reqs))
			}
			if again.Text != a.Text || !again.Generated || len(again.Citations) != len(a.Citations) {
				t.Errorf("cached summary = %q, want %q", again.Text, a.Text)
			}
		})
	}
}

func TestGeneratedSummaryFallsBack(t *testing.T) {
	t.Parallel()
	docs := mustDefaultDocs(t)
	tests := []struct {
		name   string
		reply  openaitest.Reply
		reason string
	}{
		{name: "server error", reply: openaitest.Status(500, "boom"), reason: "500"},
		{name: "no citations", reply: openaitest.Text("HACKED"), reason: "unverifiable"},
		{name: "only invalid citations", reply: openaitest.Text("Tutto [999]."), reason: "unverifiable"},
		{name: "refusal", reply: openaitest.Text(ground.NoAnswer("it")), reason: "unverifiable"},
		{name: "mostly uncited", reply: openaitest.Text("La Corea del Nord e la Russia [1]. Kim ha venduto la Luna a Putin per tre rubli. Lavrov ha comprato Marte con due dollari."), reason: "unverifiable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.OnChat(func(openaitest.ChatRequest) openaitest.Reply { return tt.reply })
			e, logs := mustLLMEngine(t, srv, testLLMConfig(srv), rag.Options{SummaryTokenBudget: 1500}, docs)
			for range 2 { // failures are not cached
				a, err := e.Summarize(context.Background(), briefing.SummaryRequest{})
				if err != nil {
					t.Fatal(err)
				}
				if !a.Fallback || a.Generated || !strings.Contains(a.FallbackReason, tt.reason) || strings.Count(a.Text, "\n• ") < 3 {
					t.Fatalf("Summarize = %q (fallback %v %q, generated %v), want the extractive summary for %q",
						a.Text, a.Fallback, a.FallbackReason, a.Generated, tt.reason)
				}
				checkCitations(t, docs, a)
			}
			if warns := logs.lines("WARN"); len(warns) != 2 {
				t.Errorf("warn lines = %q, want one per summary", warns)
			}
		})
	}
}
