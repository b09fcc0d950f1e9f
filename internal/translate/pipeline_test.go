package translate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run the pipeline machinery on stand-ins for Apertium: cat
// echoes every record, and small sh scripts hang, die or answer out of
// step. They need only a POSIX shell.

// fake returns a Translator whose one program is sh running script, with
// $0 a path in a fresh directory that the script may use for state.
func fake(t *testing.T, script string, opts Options) (*Translator, string) {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skipf("no sh on PATH: %v", err)
	}
	state := filepath.Join(t.TempDir(), "state")
	tr := newTranslator([][]string{{sh, "-c", script, state}}, opts)
	t.Cleanup(func() { tr.Close() })
	return tr, state
}

// Scripts for fake. Each records its pid in $0.pid.
const (
	echoScript = `echo $$ > "$0.pid"; exec cat`
	// hangOnce hangs its first run and echoes afterwards.
	hangOnce = `echo $$ > "$0.pid"; if mkdir "$0" 2>/dev/null; then exec sleep 3600; fi; exec cat`
	// dieOnce exits with a message on its first run and echoes afterwards.
	dieOnce = `if mkdir "$0" 2>/dev/null; then echo "no dictionary here" >&2; exit 3; fi; exec cat`
	// stopsReading says why on stderr, then closes its input and hangs
	// with its output open: only a write can fail.
	stopsReading = `echo "no dictionary here" >&2; exec 0<&-; exec sleep 3600`
	// skipOnce answers its first run with a record nobody asked for first.
	skipOnce = `if mkdir "$0" 2>/dev/null; then printf '[99]stray\000'; fi; exec cat`
)

func TestEcho(t *testing.T) {
	t.Parallel()
	tr, _ := fake(t, echoScript, Options{Processes: 2})
	ctx := context.Background()
	got, err := tr.Translate(ctx, " Who is\n*Kursk's [leader]? ")
	if want := "Who is Kursk's [leader]?"; err != nil || got != want {
		t.Errorf("Translate = %q, %v, want %q", got, err, want)
	}
	texts := make([]string, 500) // enough for both pipelines and full pipes
	for i := range texts {
		texts[i] = fmt.Sprintf("line %d %s", i, strings.Repeat("x", 1+i%300))
	}
	out, err := tr.TranslateBatch(ctx, texts)
	if err != nil {
		t.Fatalf("TranslateBatch: %v", err)
	}
	for i := range texts {
		if out[i] != texts[i] {
			t.Fatalf("TranslateBatch()[%d] = %q, want %q", i, out[i], texts[i])
		}
	}
	if out, err := tr.TranslateBatch(ctx, nil); err != nil || len(out) != 0 {
		t.Errorf("TranslateBatch(nil) = %q, %v, want nothing", out, err)
	}
}

func TestConcurrentCallsGetTheirOwnLine(t *testing.T) {
	t.Parallel()
	tr, _ := fake(t, echoScript, Options{Processes: 2})
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			text := "question " + strconv.Itoa(i)
			for range 5 {
				got, err := tr.Translate(context.Background(), text)
				if err != nil || got != text {
					t.Errorf("Translate(%q) = %q, %v", text, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestHungPipelineIsKilledAndRestarted(t *testing.T) {
	t.Parallel()
	tr, state := fake(t, hangOnce, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := tr.Translate(ctx, "Who is he?")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Translate on a hung pipeline: %v, want %v", err, context.DeadlineExceeded)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Translate returned %v after its deadline", d)
	}
	// Translate returns only after the program has been killed and reaped.
	pid, err := readPid(state)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("hung program %d after Translate returned: kill -0 = %v, want ESRCH", pid, err)
	}
	got, err := tr.Translate(context.Background(), "Who is he?")
	if err != nil || got != "Who is he?" {
		t.Errorf("Translate after the restart = %q, %v", got, err)
	}
}

func TestDeadPipelineIsRestarted(t *testing.T) {
	t.Parallel()
	tr, _ := fake(t, dieOnce, Options{})
	_, err := tr.Translate(context.Background(), "Who?")
	if err == nil || !strings.Contains(err.Error(), "no dictionary here") {
		t.Fatalf("Translate on a pipeline that exits: %v, want its stderr in the error", err)
	}
	got, err := tr.Translate(context.Background(), "Who?")
	if err != nil || got != "Who?" {
		t.Errorf("Translate after the restart = %q, %v", got, err)
	}
}

// A program that stops reading its input fails the write with a broken
// pipe while its output is still open (a batch larger than the pipe's
// buffer): the error carries what the program said.
func TestFailedWriteCarriesTheStderr(t *testing.T) {
	t.Parallel()
	tr, _ := fake(t, stopsReading, Options{})
	texts := make([]string, 100)
	for i := range texts {
		texts[i] = strings.Repeat("Who? ", 800)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := tr.TranslateBatch(ctx, texts)
	if err == nil || !strings.Contains(err.Error(), "broken pipe") || !strings.Contains(err.Error(), "no dictionary here") {
		t.Fatalf("TranslateBatch of 400 kB on a pipeline that stops reading: %v, want a broken pipe with its stderr", err)
	}
}

func TestOutOfStepPipelineIsRestarted(t *testing.T) {
	t.Parallel()
	tr, _ := fake(t, skipOnce, Options{})
	_, err := tr.Translate(context.Background(), "Who?")
	if err == nil || !strings.Contains(err.Error(), "answered record 99") {
		t.Fatalf("Translate with a stray answer first: %v, want an out-of-step error", err)
	}
	got, err := tr.Translate(context.Background(), "Who?")
	if err != nil || got != "Who?" {
		t.Errorf("Translate after the restart = %q, %v", got, err)
	}
}

func TestCancelledBeforeCall(t *testing.T) {
	t.Parallel()
	tr, _ := fake(t, echoScript, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tr.TranslateBatch(ctx, []string{"a", "b"}); !errors.Is(err, context.Canceled) {
		t.Errorf("TranslateBatch(cancelled) = %v, want %v", err, context.Canceled)
	}
}

func TestTooLong(t *testing.T) {
	t.Parallel()
	tr, _ := fake(t, echoScript, Options{MaxInputBytes: 10})
	if _, err := tr.Translate(context.Background(), "0123456789"); err != nil {
		t.Errorf("Translate(10 bytes): %v", err)
	}
	_, err := tr.TranslateBatch(context.Background(), []string{"ok", "01234567890"})
	if !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), "text 1") {
		t.Errorf("TranslateBatch(11 bytes at 1) = %v, want %v naming text 1", err, ErrTooLong)
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 1)
	tr, _ := fake(t, hangOnce, Options{Logger: slog.New(notify{"apertium pipeline started", started})})
	errc := make(chan error, 1)
	go func() {
		_, err := tr.Translate(context.Background(), "Who?")
		errc <- err
	}()
	<-started // Close must end a call that is waiting on a hung pipeline
	if err := tr.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("Translate during Close = %v, want %v", err, ErrClosed)
	}
	if _, err := tr.Translate(context.Background(), "Who?"); !errors.Is(err, ErrClosed) {
		t.Errorf("Translate after Close = %v, want %v", err, ErrClosed)
	}
	if err := tr.Start(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Start after Close = %v, want %v", err, ErrClosed)
	}
}

// notify is a slog handler that signals on c when a record with message msg
// is logged.
type notify struct {
	msg string
	c   chan<- struct{}
}

func (n notify) Enabled(context.Context, slog.Level) bool { return true }
func (n notify) WithAttrs([]slog.Attr) slog.Handler       { return n }
func (n notify) WithGroup(string) slog.Handler            { return n }
func (n notify) Handle(_ context.Context, r slog.Record) error {
	if r.Message == n.msg {
		select {
		case n.c <- struct{}{}:
		default:
		}
	}
	return nil
}

func TestNewApertiumUnavailable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "modes"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "modes", name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("noprog.mode", "briefing-no-such-program -x '/a.bin'\n")
	write("nodata.mode", "sh '"+filepath.Join(dir, "missing.bin")+"'\n")
	write("bad.mode", "sh a.bin > out\n")
	tests := []struct {
		pair            string
		wantUnavailable bool
	}{
		{"eng-ita", true}, // no mode file
		{"noprog", true},
		{"nodata", true},
		{"bad", false}, // installed but unreadable: a real error
	}
	for _, tt := range tests {
		_, err := NewApertium(Options{DataDir: dir, Pairs: []string{tt.pair}})
		if err == nil || errors.Is(err, ErrUnavailable) != tt.wantUnavailable {
			t.Errorf("NewApertium(pair %s) = %v, want ErrUnavailable %v", tt.pair, err, tt.wantUnavailable)
		}
	}
}

func readPid(state string) (int, error) {
	b, err := os.ReadFile(state + ".pid")
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

func TestConcurrentStarts(t *testing.T) {
	t.Parallel()
	tr, _ := fake(t, echoScript, Options{Processes: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if err := tr.Start(ctx); err != nil {
				t.Errorf("concurrent Start: %v", err)
			}
		})
		wg.Go(func() {
			texts := make([]string, 3*minChunk)
			for i := range texts {
				texts[i] = strconv.Itoa(i)
			}
			out, err := tr.TranslateBatch(ctx, texts)
			if err != nil {
				t.Errorf("TranslateBatch during Start: %v", err)
				return
			}
			// The stand-in echoes: every text comes back, in order.
			if !slices.Equal(out, texts) {
				t.Errorf("TranslateBatch during Start = %q, want %q", out, texts)
			}
		})
	}
	wg.Wait()
}
