// Package eval measures how well an engine retrieves and answers, over a
// file of questions with gold evidence (the format of shared/eval/dev.jsonl):
// recall@k and MRR overall and per language, keyword accuracy, citation hit
// rate, refusal accuracy, false refusals, and latency percentiles.
package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Question is one line of an evaluation file.
type Question struct {
	// ID identifies the question in reports.
	ID string `json:"id"`
	// Lang is the language of the question ("it", "en").
	Lang string `json:"lang"`
	// Question is the text as a user would type it.
	Question string `json:"question"`
	// Evidence lists exact strings of the articles that answer the question.
	Evidence []string `json:"evidence"`
	// AnswerAny lists groups of strings: an answer is correct when it
	// contains, case-insensitively, at least one string of every group.
	AnswerAny [][]string `json:"answer_any"`
	// Answerable is false when the corpus cannot answer the question.
	Answerable bool `json:"answerable"`
}

// maxLine bounds one line of an evaluation file.
const maxLine = 1 << 20

// Load reads questions, one JSON object a line; blank lines are skipped.
// Every problem is reported at once, each with its line number: malformed
// JSON, a value of the wrong kind, unknown fields, a missing id, lang,
// question or answerable, a lang other than "it" or "en", a duplicate id,
// and an answerable question without evidence.
func Load(r io.Reader) ([]Question, error) {
	var (
		qs   []Question
		errs []error
		ids  = map[string]int{}
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var raw struct {
			Question
			Answerable *bool `json:"answerable"`
		}
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&raw); err != nil {
			errs = append(errs, fmt.Errorf("line %d: %s", line, jsonProblem(err)))
			continue
		}
		if dec.More() {
			errs = append(errs, fmt.Errorf("line %d: more than one JSON value", line))
			continue
		}
		q := raw.Question
		var missing []string
		if strings.TrimSpace(q.ID) == "" {
			missing = append(missing, "id")
		}
		if strings.TrimSpace(q.Lang) == "" {
			missing = append(missing, "lang")
		}
		if strings.TrimSpace(q.Question) == "" {
			missing = append(missing, "question")
		}
		if raw.Answerable == nil {
			missing = append(missing, "answerable")
		}
		if len(missing) > 0 {
			errs = append(errs, fmt.Errorf("line %d: missing %s", line, strings.Join(missing, ", ")))
			continue
		}
		q.Answerable = *raw.Answerable
		if q.Lang != "it" && q.Lang != "en" {
			errs = append(errs, fmt.Errorf("line %d: lang %q: want \"it\" or \"en\"", line, q.Lang))
			continue
		}
		if first, dup := ids[q.ID]; dup {
			errs = append(errs, fmt.Errorf("line %d: duplicate id %q (first on line %d)", line, q.ID, first))
			continue
		}
		ids[q.ID] = line
		if q.Answerable && len(nonEmpty(q.Evidence)) == 0 {
			errs = append(errs, fmt.Errorf("line %d: question %q is answerable but has no evidence", line, q.ID))
			continue
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("line %d: %w", line+1, err))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(qs) == 0 {
		return nil, errors.New("no questions")
	}
	return qs, nil
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// jsonProblem says what is wrong with a question line in the file format's
// terms (a field and the kind of value it takes), not in Go's.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if i := strings.LastIndexByte(field, '.'); i >= 0 {
			field = field[i+1:] // the embedded Question's path
		}
		if field == "" {
			return fmt.Sprintf("want a JSON object (one question), got %s", jsonKind(te.Value))
		}
		want, ok := fieldType(field)
		if !ok || want == te.Type {
			return fmt.Sprintf("field %q: want %s, got %s", field, wantOf(te.Type), jsonKind(te.Value))
		}
		// The error is about an item inside the field.
		return fmt.Sprintf("field %q: want %s; an item in it is %s", field, wantOf(want), jsonKind(te.Value))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("not valid JSON at character %d: %s", se.Offset, se.Error())
	}
	return err.Error() // unknown field, truncated line: already in these terms
}

// fieldType is the Go type of the question field with JSON name name.
func fieldType(name string) (reflect.Type, bool) {
	t := reflect.TypeFor[Question]()
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
			return f.Type, true
		}
	}
	return nil, false
}

// wantOf names the JSON value a Go type takes.
func wantOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list of " + plural(t.Elem())
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.Kind().String()
}

// plural names many JSON values of a Go type.
func plural(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false values"
	case reflect.String:
		return "strings"
	case reflect.Slice:
		return "lists of " + plural(t.Elem())
	case reflect.Struct, reflect.Map:
		return "objects"
	}
	return t.Kind().String() + "s"
}

// jsonKind is the kind of JSON value json.UnmarshalTypeError.Value names
// ("string", "number", "array", "object", "bool").
func jsonKind(v string) string {
	switch {
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	case v == "bool":
		return "true or false"
	case strings.HasPrefix(v, "number"):
		return "a number"
	}
	return "a " + v
}
