package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

const envPrefix = "BRIEFING_"

// configEnv names the variable that points at the configuration file.
const configEnv = "BRIEFING_CONFIG"

// defaultConfigFile is the file name read, when present, from the user config directory if no file is named.
const defaultConfigFile = "config.yaml"

// EnvName returns the environment variable overriding the key at path
// ("llm.base_url" → "BRIEFING_LLM_BASE_URL").
func EnvName(path string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
}

var durationType = reflect.TypeFor[time.Duration]()

// configKey is one leaf key of Config: its dotted path and its field.
type configKey struct {
	Path  string
	Index []int
	Type  reflect.Type
}

// configKeys lists every leaf key of Config in declaration order.
func configKeys() []configKey {
	var keys []configKey
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			name := yamlName(f)
			if name == "" {
				continue
			}
			idx := append(slices.Clone(index), i)
			if f.Type.Kind() == reflect.Struct && f.Type != durationType {
				walk(f.Type, prefix+name+".", idx)
				continue
			}
			keys = append(keys, configKey{Path: prefix + name, Index: idx, Type: f.Type})
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return keys
}

// yamlName is the key of a struct field, or "" when it has none.
func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	return name
}

// LoadConfig returns the defaults overlaid with the YAML file at path, then
// the BRIEFING_* variables of getenv, then override (flags; may be nil),
// and validated. An absent file is an error only when explicit is true.
// The error lists every problem found, joined with errors.Join.
func LoadConfig(path string, explicit bool, getenv func(string) string, override func(*Config)) (Config, error) {
	cfg := DefaultConfig()
	var errs []error
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && !explicit:
		case err != nil:
			return cfg, fmt.Errorf("read config: %w", err)
		default:
			if err := decodeYAML(data, &cfg); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", path, err))
			}
		}
	}
	if err := applyEnv(&cfg, getenv); err != nil {
		errs = append(errs, err)
	}
	if override != nil {
		override(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	return cfg, errors.Join(errs...)
}

// decodeYAML overlays the YAML document data on cfg. Unlike
// yaml.Decoder.KnownFields, it walks the whole tree and reports every
// unknown key, duplicate and type error, each with its full path and line.
func decodeYAML(data []byte, cfg *Config) error {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // empty file: defaults
		}
		return fmt.Errorf("parse: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return fmt.Errorf("line %d: more than one YAML document", extra.Line)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil
		}
		root = root.Content[0]
	}
	var errs []error
	decodeNode(root, reflect.ValueOf(cfg).Elem(), "", &errs)
	return errors.Join(errs...)
}

// decodeNode decodes n into v, the value at path, appending every problem to
// errs. A null node keeps the current (default) value.
func decodeNode(n *yaml.Node, v reflect.Value, path string, errs *[]error) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	at := func(format string, args ...any) {
		name := path
		if name == "" {
			name = "configuration"
		}
		*errs = append(*errs, fmt.Errorf("%s (line %d): %s", name, n.Line, fmt.Sprintf(format, args...)))
	}
	t := v.Type()
	switch {
	case t.Kind() == reflect.Struct && t != durationType:
		if n.Kind != yaml.MappingNode {
			at("want a mapping of keys, got %s", nodeKind(n))
			return
		}
		fields := map[string]int{}
		var names []string
		for i := range t.NumField() {
			if name := yamlName(t.Field(i)); name != "" {
				fields[name] = i
				names = append(names, name)
			}
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := joinPath(path, k.Value)
			if k.Value == "<<" {
				*errs = append(*errs, fmt.Errorf("%q (line %d): merge keys are not supported", key, k.Line))
				continue
			}
			if line, dup := seen[k.Value]; dup {
				*errs = append(*errs, fmt.Errorf("duplicate key %q (line %d, first on line %d)", key, k.Line, line))
				continue
			}
			seen[k.Value] = k.Line
			fi, ok := fields[k.Value]
			if !ok {
				*errs = append(*errs, fmt.Errorf("unknown key %q (line %d)%s", key, k.Line, unknownHint(path, k.Value, names)))
				continue
			}
			decodeNode(val, v.Field(fi), key, errs)
		}
	case t == durationType:
		if n.Kind != yaml.ScalarNode {
			at("want a duration such as \"30s\", got %s", nodeKind(n))
			return
		}
		d, err := time.ParseDuration(n.Value)
		if err != nil {
			at("want a duration such as \"30s\", got %q", n.Value)
			return
		}
		v.SetInt(int64(d))
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			at("want a list, got %s", nodeKind(n))
			return
		}
		list := reflect.MakeSlice(t, 0, len(n.Content))
		for i, item := range n.Content {
			elem := reflect.New(t.Elem()).Elem()
			decodeNode(item, elem, fmt.Sprintf("%s[%d]", path, i), errs)
			list = reflect.Append(list, elem)
		}
		v.Set(list)
	default:
		if n.Kind != yaml.ScalarNode {
			at("want %s, got %s", kindName(t), nodeKind(n))
			return
		}
		if t.Kind() == reflect.String {
			v.SetString(n.Value) // numbers such as IDs are fine as strings
			return
		}
		// The YAML library truncates a float into an integer field
		// (top_k: 1.5 → 1); the environment rejects it, and so does this.
		if isInteger(t.Kind()) && n.ShortTag() != "!!int" {
			at("want %s, got %q", kindName(t), n.Value)
			return
		}
		target := reflect.New(t)
		if err := n.Decode(target.Interface()); err != nil {
			at("want %s, got %q", kindName(t), n.Value)
			return
		}
		v.Set(target.Elem())
	}
}

// isInteger reports whether k is a signed or unsigned integer kind.
func isInteger(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// removedKeys are keys earlier versions read, with what became of them.
var removedKeys = map[string]string{
	"retrieval.ranker": "removed: the fitted answer model is the only ranker; delete the key",
}

// unknownHint suggests the key probably meant or, for what looks like a
// secret, where secrets go, or says what became of a removed key.
func unknownHint(section, key string, names []string) string {
	if why, ok := removedKeys[joinPath(section, key)]; ok {
		return "; " + why
	}
	best, bestDist := "", 3
	for _, n := range names {
		if d := editDistance(key, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	if best != "" {
		return fmt.Sprintf("; did you mean %q?", joinPath(section, best))
	}
	lower := strings.ToLower(key)
	for _, s := range []string{"key", "token", "secret", "password"} {
		if strings.Contains(lower, s) {
			return "; secrets are never read from the file: put them in the environment variable named by the *_env key"
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return t.String()
}

// applyEnv overlays the BRIEFING_* variables on cfg: each key has one, named
// by EnvName. An empty variable is ignored; lists are comma-separated.
func applyEnv(cfg *Config, getenv func(string) string) error {
	if getenv == nil {
		return nil
	}
	var errs []error
	root := reflect.ValueOf(cfg).Elem()
	for _, k := range configKeys() {
		name := EnvName(k.Path)
		raw := getenv(name)
		if raw == "" {
			continue
		}
		if err := setFromString(root.FieldByIndex(k.Index), raw); err != nil {
			errs = append(errs, fmt.Errorf("environment %s=%q (%s): %w", name, raw, k.Path, err))
		}
	}
	return errors.Join(errs...)
}

// setFromString parses s into v according to v's type.
func setFromString(v reflect.Value, s string) error {
	s = strings.TrimSpace(s)
	switch t := v.Type(); {
	case t == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return errors.New("want a duration such as \"30s\"")
		}
		v.SetInt(int64(d))
	case t.Kind() == reflect.String:
		v.SetString(s)
	case t.Kind() == reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return errors.New("want an integer")
		}
		v.SetInt(int64(n))
	case t.Kind() == reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return errors.New("want a number")
		}
		v.SetFloat(f)
	case t.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return errors.New("want true or false")
		}
		v.SetBool(b)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		list := []string{}
		for item := range strings.SplitSeq(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				list = append(list, item)
			}
		}
		v.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("unsupported type %s", t)
	}
	return nil
}
