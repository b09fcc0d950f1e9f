// Command briefing answers questions about a corpus of news articles with
// cited passages: from a terminal (ask, search, summary), as a Discord bot
// (serve), and as an evaluation harness (eval).
//
// main only wires the process to run, which holds the whole program so that
// tests can drive it in-process.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
