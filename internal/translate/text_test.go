package translate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		mode    string
		want    [][]string
		wantErr string
	}{
		{
			name: "pair",
			mode: "lt-proc '/d/a.bin' | apertium-tagger -g $2 '/d/p.prob' | apertium-pretransfer | lt-proc $1 '/d/gen.bin' | lt-proc -p '/d/pgen.bin'\n",
			want: [][]string{
				{"lt-proc", "-z", "/d/a.bin"},
				{"apertium-tagger", "-z", "-g", "/d/p.prob"},
				{"apertium-pretransfer", "-z"},
				{"lt-proc", "-z", "-n", "/d/gen.bin"},
				{"lt-proc", "-z", "-p", "/d/pgen.bin"},
			},
		},
		{
			name: "already null-flushing, wblank programs dropped",
			mode: `lt-proc -z "/d/my dir/a.bin" | apertium-wblank-attach | lrx-proc -z -m /d/l\ x.bin | apertium-wblank-detach`,
			want: [][]string{
				{"lt-proc", "-z", "/d/my dir/a.bin"},
				{"lrx-proc", "-z", "-m", "/d/l x.bin"},
			},
		},
		{name: "empty program", mode: "lt-proc a | | lt-proc b", wantErr: "empty program"},
		{name: "empty mode", mode: "\n", wantErr: "empty program"},
		{name: "other variable", mode: "lt-proc $HOME/a.bin", wantErr: "unsupported variable"},
		{name: "redirection", mode: "lt-proc a.bin > out", wantErr: "unsupported shell syntax"},
		{name: "open quote", mode: "lt-proc 'a.bin", wantErr: "unterminated quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseMode(tt.mode)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseMode(%q) error = %v, want one containing %q", tt.mode, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseMode(%q): %v", tt.mode, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseMode(%q) (-want +got):\n%s", tt.mode, diff)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want string
	}{
		{"Who is he?", "[7]Who is he?\x00"},
		{"  a\n\tb\x00c  ", "[7]a b c\x00"},
		{`x [y] ^z$ a/b \ @c <d> {e}`, `[7]x \[y\] \^z\$ a\/b \\ \@c \<d\> \{e\}` + "\x00"},
		{"a~b *c #d", "[7]a b *c #d\x00"},
		{"bad \xff utf", "[7]bad utf\x00"},
		{"", "[7]\x00"},
	}
	for _, tt := range tests {
		if got := string(encode(7, tt.text)); got != tt.want {
			t.Errorf("encode(7, %q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rec     string
		wantSeq uint64
		wantOK  bool
		want    string
	}{
		{"plain", "[12]Chi è?", 12, true, "Chi è?"},
		{"no tag", "Chi è?", 0, false, "Chi è?"},
		{"marks", "[3]durante il **Kursk #operazione @x e @#y", 3, true, "durante il Kursk operazione x e y"},
		{"marks kept", "[3]5 * 3 e C# e a*b *", 3, true, "5 * 3 e C# e a*b *"},
		{"escapes", `[4]a \[b\] \/ \\ \@c`, 4, true, `a [b] / \ c`},
		{"second number blank is text", "[4]a [5] b", 4, true, "a 5 b"},
		{"blank keeps its text", "[4]a[ x ]b", 4, true, "a x b"},
		{"stray brackets", "[4]a ] b [ c", 4, true, "a b c"},
		{"spaces", "[9]  presidente  de   Italia ", 9, true, "presidente de Italia"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			seq, got, ok := decode(tt.rec)
			if seq != tt.wantSeq || ok != tt.wantOK || got != tt.want {
				t.Errorf("decode(%q) = %d, %q, %v, want %d, %q, %v", tt.rec, seq, got, ok, tt.wantSeq, tt.want, tt.wantOK)
			}
		})
	}
}

func TestKeepFinalMarks(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, out, want string }{
		{"Il trattato è stato ratificato.", "The treated has been ratified", "The treated has been ratified."},
		{"Davvero...", "Really", "Really..."},
		{"Quando?", "When?", "When?"},
		{"Quando?!", "When?", "When?!"},
		{"Il trattato. ", "The treaty", "The treaty."},
		{"Senza punto", "Without point", "Without point"},
		{"a .", "a .", "a ."},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := keepFinalMarks(tt.src, tt.out); got != tt.want {
			t.Errorf("keepFinalMarks(%q, %q) = %q, want %q", tt.src, tt.out, got, tt.want)
		}
	}
}

// FuzzRoundTrip checks that text which Apertium passes through unchanged
// (an echo, as cat) decodes to itself, marks and spacing aside, with its tag.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"Who is he?", `a [b] \c ^d$`, "", "x\x00y", "@#*Kursk", "~"} {
		f.Add(uint64(1), s)
	}
	f.Fuzz(func(t *testing.T, seq uint64, text string) {
		rec := encode(seq, text)
		if strings.IndexByte(string(rec), 0) != len(rec)-1 {
			t.Fatalf("encode(%d, %q) = %q: NUL inside the record", seq, text, rec)
		}
		gotSeq, got, ok := decode(string(rec[:len(rec)-1]))
		if !ok || gotSeq != seq {
			t.Fatalf("decode(encode(%d, %q)) tag = %d, %v", seq, text, gotSeq, ok)
		}
		if want := clean(normalize(text)); got != want {
			t.Errorf("decode(encode(%d, %q)) = %q, want %q", seq, text, got, want)
		}
	})
}
