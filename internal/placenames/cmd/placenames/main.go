// Command placenames writes the Italian–English place names of package
// placenames from the Unicode CLDR that Debian's unicode-cldr-core
// installs: go generate ./internal/placenames.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/briefing/briefing/internal/placenames"
)

func main() {
	out := flag.String("out", "it_en.txt", "file to write")
	dir := flag.String("cldr", placenames.DefaultCLDR, "CLDR's common/main directory")
	flag.Parse()
	if err := run(*out, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "placenames:", err)
		os.Exit(1)
	}
}

func run(out, dir string) error {
	var b bytes.Buffer
	if err := placenames.Generate(&b, dir); err != nil {
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}
