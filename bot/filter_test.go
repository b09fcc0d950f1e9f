package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/briefing/briefing"
	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/discordtest"
)

func TestFiltersReachTheEngine(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	var asked sync.Mutex
	var got, searched []corpus.Filter
	eng.AnswerFn = func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		asked.Lock()
		got = append(got, req.Filter)
		asked.Unlock()
		return sampleAnswer(req.Question), nil
	}
	eng.SearchFn = func(ctx context.Context, req briefing.SearchRequest) ([]briefing.Hit, error) {
		asked.Lock()
		searched = append(searched, req.Filter)
		asked.Unlock()
		return []briefing.Hit{{Passage: samplePassage, Score: 0.87, Rank: 1}}, nil
	}
	h := startBot(t, eng, nil, nil)

	in := h.fake.Command(discordtest.Invoker{}, "ask", discordtest.Option{Name: "question", Value: "Latest on the treaty?"},
		discordtest.Option{Name: "since", Value: "2025-06-01"}, discordtest.Option{Name: "source", Value: "ISPI, Reuters"})
	h.dispatch(t, in)
	final := h.final(t, in)
	if es := embeds(final); len(es) == 0 || !strings.Contains(es[0]["title"].(string), "(since 2025-06-01, source ISPI, Reuters)") {
		t.Errorf("answer title does not show the filter: %v", es)
	}
	asked.Lock()
	if len(got) != 1 || got[0].Since.Format("2006-01-02") != "2025-06-01" || strings.Join(got[0].Sources, "|") != "ISPI|Reuters" {
		t.Errorf("Answer got filters %+v", got)
	}
	asked.Unlock()

	in = h.fake.Command(discordtest.Invoker{}, "search", discordtest.Option{Name: "query", Value: "treaty"}, discordtest.Option{Name: "until", Value: "2024-12-31"})
	h.dispatch(t, in)
	h.final(t, in)
	asked.Lock()
	if len(searched) != 1 || searched[0].Until.Format("2006-01-02") != "2024-12-31" {
		t.Errorf("Find got filters %+v", searched)
	}
	asked.Unlock()

	in = h.fake.Command(discordtest.Invoker{Locale: "it"}, "ask", discordtest.Option{Name: "question", Value: "Novità?"}, discordtest.Option{Name: "since", Value: "ieri"})
	h.dispatch(t, in)
	cb := h.callback(t, in)
	if respFlags(cb) != int(discordgo.MessageFlagsEphemeral) || !strings.Contains(respContent(cb), `Non posso usare quel filtro: bad filter: since "ieri" is not a date`) {
		t.Errorf("bad date reply = %q", respContent(cb))
	}
	asked.Lock()
	defer asked.Unlock()
	if len(got) != 1 {
		t.Errorf("the engine was asked despite a bad filter")
	}
}
