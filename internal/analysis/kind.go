package analysis

// Kind is the kind of answer a question expects.
type Kind int

// Answer kinds recognised from question words.
const (
	KindOther  Kind = iota
	KindTime        // when, what year, quando, in che anno
	KindNumber      // how many, how much, quanti, quante
	KindPerson      // who, chi
	KindPlace       // where, dove
)

// String names the kind: "other", "time", "number", "person" or "place".
func (k Kind) String() string {
	switch k {
	case KindTime:
		return "time"
	case KindNumber:
		return "number"
	case KindPerson:
		return "person"
	case KindPlace:
		return "place"
	}
	return "other"
}

// countCue is the index of the word that asks how many ("many", "much",
// "quanti", ...), or -1.
func countCue(words []string) int {
	for i, w := range words {
		switch w {
		case "quanti", "quante", "quanto", "quanta":
			if i+1 < len(words) && words[i+1] == "tempo" || i > 0 && words[i-1] == "da" {
				return -1 // "quanto tempo", "da quanto": how long
			}
			return i
		case "many", "much":
			if i > 0 && words[i-1] == "how" {
				return i
			}
		}
	}
	return -1
}

// answerKind reads the question words.
func answerKind(words []string) Kind {
	has := func(seq ...string) bool {
		for i := 0; i+len(seq) <= len(words); i++ {
			ok := true
			for j, s := range seq {
				if words[i+j] != s {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("quanto", "tempo"), has("how", "long"), has("da", "quanto"):
		return KindTime
	case has("how", "many"), has("how", "much"), has("quanti"), has("quante"), has("quanto"), has("quanta"),
		has("what", "number"), has("quale", "numero"), has("che", "numero"):
		return KindNumber
	case has("when"), has("quando"), has("what", "year"), has("which", "year"), has("what", "date"),
		has("che", "anno"), has("quale", "anno"), has("che", "data"), has("quale", "data"), has("how", "long"):
		return KindTime
	case has("who"), has("whom"), has("chi"):
		return KindPerson
	case has("where"), has("dove"):
		return KindPlace
	}
	return KindOther
}
