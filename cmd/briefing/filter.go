package main

import (
	"github.com/spf13/pflag"

	"github.com/briefing/briefing/corpus"
)

// filterFlags are the --since, --until and --source flags of ask, search
// and summary.
type filterFlags struct {
	since, until, source string
}

func (f *filterFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.since, "since", "", "only documents published on or after this date (2025-06-01)")
	fs.StringVar(&f.until, "until", "", "only documents published on or before this date (2025-06-30)")
	fs.StringVar(&f.source, "source", "", "only documents from these outlets, comma-separated (matched in the outlet or the URL's host)")
}

// filter parses the flags; a bad date is a usage error.
func (f filterFlags) filter() (corpus.Filter, error) {
	flt, err := corpus.ParseFilter(f.since, f.until, f.source)
	if err != nil {
		return corpus.Filter{}, usageErr(err)
	}
	return flt, nil
}
