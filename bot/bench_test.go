package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefing/briefing/bot"
	"github.com/briefing/briefing/internal/discordtest"
)

// BenchmarkAck200 dispatches 200 concurrent /ask interactions through the
// fake gateway and measures, per interaction, the time from dispatch to the
// deferred callback arriving at the fake. It reports p50 and p99 in ms.
//
//	go test ./bot -run '^$' -bench Ack200 -benchtime 5x
func BenchmarkAck200(b *testing.B) {
	const n = 200
	fake := discordtest.New(b, discordtest.Options{Token: "Bot " + testToken, HeartbeatInterval: time.Second})
	bt, err := bot.New(bot.Options{
		Token: testToken, APIBaseURL: fake.APIBase(), GuildIDs: []string{"10"},
		MaxConcurrent: 4 * n, RatePerMinute: 60, RateBurst: 10,
	}, &fakeEngine{}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bt.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("Run: %v", err)
		}
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), time.Minute)
	defer wcancel()
	if _, err := fake.WaitFor(wctx, func(r discordtest.Request) bool { return r.Method == http.MethodPut }); err != nil {
		b.Fatal(err)
	}

	var all []time.Duration
	b.ResetTimer()
	for iter := 0; iter < b.N; iter++ {
		ins := make([]discordtest.Interaction, n)
		for i := range ins {
			ins[i] = fake.Command(discordtest.Invoker{UserID: fmt.Sprintf("u%d-%d", iter, i)}, "ask",
				discordtest.Option{Name: "question", Value: "Who went to Pyongyang?"})
		}
		sent := make([]time.Time, n)
		var wg sync.WaitGroup
		for i := range ins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sent[i] = time.Now()
				if err := fake.Dispatch(wctx, "INTERACTION_CREATE", ins[i].Payload); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
		for i, in := range ins {
			cb, err := fake.WaitFor(wctx, func(r discordtest.Request) bool {
				return r.Status < 300 && strings.HasSuffix(r.Path, "/"+in.ID+"/"+in.Token+"/callback")
			})
			if err != nil {
				b.Fatal(err)
			}
			all = append(all, cb.At.Sub(sent[i]))
		}
		// Let the answers land before the next round.
		if _, err := fake.WaitCount(wctx, n*(iter+1), func(r discordtest.Request) bool {
			return r.Method == http.MethodPatch && r.Status < 300
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ack-ms")
	b.ReportMetric(pct(0.99), "p99-ack-ms")
	b.ReportMetric(0, "ns/op")
}
