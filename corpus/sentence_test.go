package corpus_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/briefing/briefing/corpus"
)

// texts returns the substrings of s that spans cover.
func texts(s string, spans []corpus.Span) []string {
	out := make([]string, 0, len(spans))
	for _, sp := range spans {
		out = append(out, s[sp.Start:sp.End])
	}
	return out
}

func TestSentences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"simple Italian", "Mosca e Pyongyang sono alleati. La Russia è un partner! Perché? Sì.",
			[]string{"Mosca e Pyongyang sono alleati.", "La Russia è un partner!", "Perché?", "Sì."}},
		{"numbers never split", "Più di 10.000 truppe, il 3.5 per cento. Il 19.06.2024 fu firmato.",
			[]string{"Più di 10.000 truppe, il 3.5 per cento.", "Il 19.06.2024 fu firmato."}},
		{"year before period splits", "Riconobbe la Corea nel 1948. Durante il periodo.",
			[]string{"Riconobbe la Corea nel 1948.", "Durante il periodo."}},
		{"typographic quotes belong to the sentence", "Include “l’assistenza reciproca in caso di aggressione.” Sebbene l’accordo sia pacifico.",
			[]string{"Include “l’assistenza reciproca in caso di aggressione.”", "Sebbene l’accordo sia pacifico."}},
		{"quote after terminator then opening quote", "Disse: «Basta!» “Poi” tacque.",
			[]string{"Disse: «Basta!»", "“Poi” tacque."}},
		{"closing bracket", "Kim (il leader.) Poi parlò.",
			[]string{"Kim (il leader.)", "Poi parlò."}},
		{"apostrophe inside words", "L’Unione Sovietica e l’URSS. Nell’anno dell'Hudson Institute.",
			[]string{"L’Unione Sovietica e l’URSS.", "Nell’anno dell'Hudson Institute."}},
		{"Italian abbreviations", "Il sig. Rossi e il Dott. Bianchi, cfr. Art. 4 e pag. 12 ecc. Fine. Vedi p. 5 e n. 3.",
			[]string{"Il sig. Rossi e il Dott. Bianchi, cfr. Art. 4 e pag. 12 ecc. Fine.", "Vedi p. 5 e n. 3."}},
		{"English abbreviations and initials", "Mr. Smith met Dr. Jones in the U.S. Senate, e.g. Room 4. J. R. Smith left.",
			[]string{"Mr. Smith met Dr. Jones in the U.S. Senate, e.g. Room 4.", "J. R. Smith left."}},
		{"a.C. and etc. before lowercase", "Nel 300 a.C. Roma crebbe, etc. e poi cadde. Fine.",
			[]string{"Nel 300 a.C. Roma crebbe, etc. e poi cadde.", "Fine."}},
		{"ellipsis character", "Della Repubblica di Corea… Il trattato entrerà in vigore.",
			[]string{"Della Repubblica di Corea…", "Il trattato entrerà in vigore."}},
		{"three dots", "Aspetta... Poi vedremo... e forse no. Ok.",
			[]string{"Aspetta...", "Poi vedremo... e forse no.", "Ok."}},
		{"lowercase after terminator does not split", "Disse ciao. e se ne andò.",
			[]string{"Disse ciao. e se ne andò."}},
		{"missing space after period", "la pressione sul fronte ucraino.Questo è chiaro.",
			[]string{"la pressione sul fronte ucraino.", "Questo è chiaro."}},
		{"initialism without spaces does not split", "Gli U.S.A. sono lontani. Il file README.Md resta.",
			[]string{"Gli U.S.A. sono lontani.", "Il file README.Md resta."}},
		{"line breaks end sentences", "Titolo senza punto\nTesto che segue\n\n  Altro.  ",
			[]string{"Titolo senza punto", "Testo che segue", "Altro."}},
		{"question and exclamation runs", "Davvero?! Sì!!! “Certo?” Va bene.",
			[]string{"Davvero?!", "Sì!!!", "“Certo?”", "Va bene."}},
		{"no-break spaces are trimmed", "\u00a0Frase uno.\u00a0 Frase due.\u00a0",
			[]string{"Frase uno.", "Frase due."}},
		{"empty", "", []string{}},
		{"blank lines only", "\n \n\t\n", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := texts(tt.text, corpus.Sentences(tt.text))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Sentences(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestParagraphs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"single newlines", "Uno.\nDue.\nTre.", []string{"Uno.", "Due.", "Tre."}},
		{"blank lines and no-break spaces", "Uno.\n\n\u00a0\n\n  Due.  \n", []string{"Uno.", "Due."}},
		{"heading then text", "Titolo\nTesto.", []string{"Titolo", "Testo."}},
		{"empty", "", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := texts(tt.text, corpus.Paragraphs(tt.text))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Paragraphs(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}
