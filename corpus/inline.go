package corpus

import "strings"

// Inline folds text onto one line for display: runs of white space become
// one space, except that a paragraph break after a heading-like paragraph
// (IsHeading: a title, a byline) becomes " — ", so that the heading does not
// read as the first words of the sentence after it.
func Inline(text string) string {
	var b strings.Builder
	prev := ""
	for para := range paragraphs(text) {
		para = strings.Join(strings.Fields(para), " ")
		if para == "" {
			continue
		}
		switch {
		case prev == "":
		case IsHeading(prev):
			b.WriteString(" — ")
		default:
			b.WriteString(" ")
		}
		b.WriteString(para)
		prev = para
	}
	return b.String()
}

// paragraphs yields the parts of text between blank lines.
func paragraphs(text string) func(func(string) bool) {
	return func(yield func(string) bool) {
		start := 0
		blank := false
		for s, e := range lines(text) {
			if strings.TrimSpace(text[s:e]) == "" {
				blank = true
				continue
			}
			if blank && s > start {
				if !yield(text[start:s]) {
					return
				}
				start = s
			}
			blank = false
		}
		yield(text[start:])
	}
}
