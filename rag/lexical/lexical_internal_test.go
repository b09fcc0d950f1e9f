package lexical

import (
	"testing"

	"github.com/briefing/briefing/corpus"
	"github.com/briefing/briefing/internal/analysis"
)

// TestPhraseTermsMustBeAdjacent: the terms of a phrase alternative match
// only in order and side by side, stop words aside.
func TestPhraseTermsMustBeAdjacent(t *testing.T) {
	t.Parallel()
	passages := []corpus.Passage{
		{DocID: "a", Text: "La Repubblica Popolare Democratica di Corea ha ratificato."},
		{DocID: "a", Text: "La Repubblica di Corea protesta."},
		{DocID: "a", Text: "Corea e Repubblica, in quest'ordine."},
	}
	l := Build(analysis.New(nil), passages, func(string) DocMeta { return DocMeta{Lang: "it"} })
	alt := analysis.Alt{Terms: []string{"repubbl", "core"}, Words: []string{"repubblica", "corea"}}
	got := l.passagesWith(alt)
	if len(got) != 1 || got[0].passage != 1 {
		t.Errorf("passagesWith(repubblica corea) = %+v, want only passage 1", got)
	}
	one := l.passagesWith(analysis.Alt{Terms: []string{"core"}, Words: []string{"corea"}})
	if len(one) != 3 {
		t.Errorf("passagesWith(corea) = %d passages, want 3", len(one))
	}
}

func TestFollows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prev, next, want []int32
	}{
		{[]int32{0, 4}, []int32{1, 3, 5}, []int32{1, 5}},
		{[]int32{2}, []int32{2, 4}, nil},
		{nil, []int32{1}, nil},
	}
	for _, tt := range tests {
		got := follows(tt.prev, tt.next)
		if len(got) != len(tt.want) {
			t.Errorf("follows(%v, %v) = %v, want %v", tt.prev, tt.next, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("follows(%v, %v) = %v, want %v", tt.prev, tt.next, got, tt.want)
			}
		}
	}
}
