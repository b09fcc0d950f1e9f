package translate

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// stderrTail is how much of the programs' standard error a pipeline keeps
// for its error messages.
const stderrTail = 2048

// pipeline is one running chain of programs: records written to in come out,
// translated, on records, in order, one for one.
type pipeline struct {
	cmds    []*exec.Cmd
	in      *os.File      // write end of the first program's stdin
	out     *os.File      // read end of the last program's stdout
	records chan string   // output records without their NUL; closed at end of output
	dead    chan struct{} // closed by kill
	done    sync.WaitGroup
	seq     uint64 // last sequence number written; only the pipeline's holder touches it

	mu     sync.Mutex
	stderr []byte // the last stderrTail bytes the programs wrote

	killOnce sync.Once
}

// startPipeline starts stages (argument vectors with resolved program paths),
// each program reading the one before it. It does not wait for them to load
// their dictionaries: the first record simply takes longer.
func startPipeline(stages [][]string) (p *pipeline, err error) {
	if len(stages) == 0 {
		return nil, errors.New("no programs to run")
	}
	p = &pipeline{records: make(chan string), dead: make(chan struct{})}
	errR, errW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("stderr pipe: %w", err)
	}
	defer errW.Close() // the children hold their own copies
	stdin, in, err := os.Pipe()
	if err != nil {
		errR.Close()
		return nil, fmt.Errorf("stdin pipe: %w", err)
	}
	p.in = in
	defer func() {
		if err != nil {
			stdin.Close()
			errR.Close()
			p.in.Close()
			for _, c := range p.cmds { // reaping after a failed start: err says why
				_ = c.Process.Kill()
				_ = c.Wait()
			}
		}
	}()
	prev := stdin // what the next program reads
	for _, argv := range stages {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("pipe: %w", err)
		}
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = prev, w, errW
		err = cmd.Start()
		prev.Close()
		w.Close()
		prev = r
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("start %s: %w", argv[0], err)
		}
		p.cmds = append(p.cmds, cmd)
	}
	p.out = prev
	p.done.Add(2)
	go p.readRecords()
	go p.readStderr(errR)
	return p, nil
}

// readRecords splits the last program's output at NUL bytes until the
// output ends or the pipeline is killed.
func (p *pipeline) readRecords() {
	defer p.done.Done()
	defer close(p.records)
	r := bufio.NewReader(p.out)
	for {
		rec, err := r.ReadString(0)
		if err != nil {
			return // end of output; a partial record is of no use
		}
		select {
		case p.records <- rec[:len(rec)-1]:
		case <-p.dead:
			return
		}
	}
}

// readStderr keeps the tail of what the programs write to standard error.
func (p *pipeline) readStderr(r *os.File) {
	defer p.done.Done()
	defer r.Close()
	buf := make([]byte, 512)
	for {
		n, err := r.Read(buf)
		p.mu.Lock()
		p.stderr = append(p.stderr, buf[:n]...)
		if len(p.stderr) > stderrTail {
			p.stderr = append(p.stderr[:0], p.stderr[len(p.stderr)-stderrTail:]...)
		}
		p.mu.Unlock()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				p.mu.Lock()
				p.stderr = fmt.Appendf(p.stderr, "[reading stderr: %v]", err)
				p.mu.Unlock()
			}
			return
		}
	}
}

// stderrText returns the kept standard error, trimmed, for error messages.
func (p *pipeline) stderrText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := strings.TrimSpace(strings.ToValidUTF8(string(p.stderr), "?"))
	if s == "" {
		return "nothing on stderr"
	}
	return s
}

// kill ends every program and waits for them and for the pipeline's
// goroutines. Killing is safe: the programs are filters with nothing to save.
// Closing in unblocks a writer stuck on a full pipe. It may be called more
// than once, and concurrently.
func (p *pipeline) kill() {
	p.killOnce.Do(func() {
		close(p.dead)
		p.in.Close()
		for _, c := range p.cmds {
			_ = c.Process.Kill() // an exited process is fine too
		}
		for _, c := range p.cmds {
			_ = c.Wait() // "signal: killed" is the expected outcome
		}
		p.out.Close()
		p.done.Wait()
	})
}
