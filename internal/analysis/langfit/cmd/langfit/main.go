// Command langfit fits the spelling model of analysis.DetectLang from the
// word lists of Debian's witalian and wamerican packages and writes it
// (-out, "-" for stdout). It is run by go generate in internal/analysis:
//
//	go generate ./internal/analysis
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/briefing/briefing/internal/analysis/langfit"
)

func main() {
	out := flag.String("out", "-", "model file to write, - for stdout")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(out string) error {
	versions, err := langfit.Versions(langfit.Sources)
	if err != nil {
		return fmt.Errorf("%w (install them: apt-get install witalian wamerican)", err)
	}
	data, rep, err := langfit.Fit(langfit.Sources, versions)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "langfit: %d n-grams; held-out accuracy it %.4f, en %.4f\n",
		rep.Grams, rep.Accuracy("it"), rep.Accuracy("en"))
	if out == "-" {
		_, err = os.Stdout.Write(data)
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return fmt.Errorf("langfit: write %s: %w", out, err)
	}
	return nil
}
