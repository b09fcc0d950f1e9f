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

// filteringEngine is fakeEngine with the filtered search capability,
// recording the filters it is given.
type filteringEngine struct {
	fakeEngine
	mu      sync.Mutex
	filters []corpus.Filter
}

func (f *filteringEngine) SearchFilter(ctx context.Context, q string, k int, flt corpus.Filter) ([]briefing.Hit, error) {
	f.mu.Lock()
	f.filters = append(f.filters, flt)
	f.mu.Unlock()
	return f.Search(ctx, q, k)
}

func TestFiltersReachTheEngine(t *testing.T) {
	t.Parallel()
	eng := &filteringEngine{}
	var asked sync.Mutex
	var got []corpus.Filter
	eng.AnswerFn = func(ctx context.Context, req briefing.Request) (briefing.Answer, error) {
		asked.Lock()
		got = append(got, req.Filter)
		asked.Unlock()
		return sampleAnswer(req.Question), nil
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
	eng.mu.Lock()
	if len(eng.filters) != 1 || eng.filters[0].Until.Format("2006-01-02") != "2024-12-31" {
		t.Errorf("SearchFilter got %+v", eng.filters)
	}
	eng.mu.Unlock()

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
