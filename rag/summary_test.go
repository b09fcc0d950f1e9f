package rag_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/rag"
)

func TestSummaries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	docs := mustDefaultDocs(t)
	e := mustEngine(t, "", rag.Options{}, docs)
	tests := []struct {
		name    string
		req     briefing.SummaryRequest
		refused bool
		inDoc   string
		lang    string
		// text: what a refusal says (a topic, not a question; the
		// document, not the corpus, when one is summarised)
		text string
	}{
		{name: "corpus", req: briefing.SummaryRequest{}, lang: "it"},
		{name: "document", req: briefing.SummaryRequest{DocID: "lavrov-pyongyang-visit"}, inDoc: "lavrov-pyongyang-visit", lang: "it"},
		{name: "document in english", req: briefing.SummaryRequest{DocID: "russia-north-korea-alliance", Lang: "en"}, inDoc: "russia-north-korea-alliance", lang: "en"},
		{name: "topic", req: briefing.SummaryRequest{Topic: "artillery shells"}, lang: "en"},
		{name: "uncovered topic", req: briefing.SummaryRequest{Topic: "Japanese economy"}, refused: true, lang: "en", text: "The corpus does not cover this topic"},
		{name: "topic the document lacks", req: briefing.SummaryRequest{Topic: "economia giapponese", DocID: "lavrov-pyongyang-visit"}, refused: true, lang: "it", text: "Questo documento non tratta questo argomento"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := e.Summarize(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if a.Refused != tt.refused || a.Lang != tt.lang {
				t.Fatalf("Summarize(%+v): refused=%v lang=%q, want refused=%v lang=%q", tt.req, a.Refused, a.Lang, tt.refused, tt.lang)
			}
			if tt.refused {
				if len(a.Citations) != 0 {
					t.Errorf("refused summary cites %d passages", len(a.Citations))
				}
				if !strings.HasPrefix(a.Text, tt.text) || a.State != briefing.StateRefused {
					t.Errorf("refused summary: state %q, text %q; want refused, starting %q", a.State, a.Text, tt.text)
				}
				return
			}
			bullets := strings.Count(a.Text, "\n• ")
			if bullets < 3 || bullets > 5 {
				t.Errorf("summary has %d sentences, want 3-5:\n%s", bullets, a.Text)
			}
			seen := map[string]bool{}
			for _, line := range strings.Split(a.Text, "\n")[1:] {
				if seen[line] {
					t.Errorf("summary repeats %q", line)
				}
				seen[line] = true
				if !strings.HasSuffix(line, "]") {
					t.Errorf("summary sentence without citation: %q", line)
				}
			}
			for _, c := range a.Citations {
				if tt.inDoc != "" && c.Passage.DocID != tt.inDoc {
					t.Errorf("document summary cites %s", c.Passage.DocID)
				}
				body := docByID(docs, c.Passage.DocID).Body
				if body[c.QuoteStart:c.QuoteEnd] != c.Quote {
					t.Errorf("quote not verbatim")
				}
			}
		})
	}
	// A corpus briefing cites every document, not only the longest.
	a, err := e.Summarize(ctx, briefing.SummaryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	cited := map[string]bool{}
	for _, c := range a.Citations {
		cited[c.Passage.DocID] = true
	}
	for _, d := range docs {
		if !cited[d.ID] {
			t.Errorf("corpus summary does not cite %s:\n%s", d.ID, a.Text)
		}
	}
	if _, err := e.Summarize(ctx, briefing.SummaryRequest{DocID: "nope"}); !errors.Is(err, briefing.ErrUnknownDocument) {
		t.Errorf("Summarize(unknown doc) = %v, want ErrUnknownDocument", err)
	}
}
