package corpus

import "testing"

func TestInline(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"one line", "Il trattato  è stato firmato.", "Il trattato è stato firmato."},
		{"wrapped sentence", "Le truppe sono state inviate in\nRussia a novembre.", "Le truppe sono state inviate in Russia a novembre."},
		{"two paragraphs", "Prima frase.\n\nSeconda frase.", "Prima frase. Seconda frase."},
		{"heading", "Il trattato di difesa Pyongyang-Mosca\n\nIl parlamento russo ha ratificato il trattato.", "Il trattato di difesa Pyongyang-Mosca — Il parlamento russo ha ratificato il trattato."},
		{"byline", "Di Luke Coffey\n\n \nLuke Coffey è un membro anziano.", "Di Luke Coffey — Luke Coffey è un membro anziano."},
		{"heading last", "Fine.\n\nSoldati nordcoreani in Ucraina\n", "Fine. Soldati nordcoreani in Ucraina"},
		{"only space", " \n\n\t", ""},
	}
	for _, tt := range tests {
		if got := Inline(tt.in); got != tt.want {
			t.Errorf("%s: Inline(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
