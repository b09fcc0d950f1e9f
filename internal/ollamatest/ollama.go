package ollamatest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Env names the environment scripts/ollama.sh start exports.
const (
	// EnvURL holds the server's base URL, e.g. http://127.0.0.1:41234.
	EnvURL = "BRIEFING_OLLAMA_URL"
	// EnvBin holds the path of the ollama binary used for "ollama create"
	// (default: "ollama" on PATH).
	EnvBin = "BRIEFING_OLLAMA_BIN"
	// EnvHome is the HOME the server runs with (optional).
	EnvHome = "BRIEFING_OLLAMA_HOME"
)

// Template renders chat messages for the tiny model; without a TEMPLATE
// that ranges over .Messages Ollama sends the model no prompt at all.
const Template = `{{- range .Messages }}<|{{ .Role }}|>
{{ .Content }}
{{ end }}<|assistant|>
`

// Modelfile returns the Modelfile registering ggufPath.
func Modelfile(ggufPath string) string {
	return fmt.Sprintf("FROM %s\nTEMPLATE \"\"\"%s\"\"\"\nPARAMETER num_ctx 512\n", ggufPath, Template)
}

// Server is a running Ollama server found through EnvURL.
type Server struct {
	// URL is the server root (without /v1).
	URL string
	bin string
	env []string
}

// Require returns the server named by EnvURL, or skips the test with a
// message saying how to start one.
func Require(t testing.TB) *Server {
	t.Helper()
	url := os.Getenv(EnvURL)
	if url == "" {
		t.Skipf("set %s (eval \"$(scripts/ollama.sh start)\") to run the Ollama integration test", EnvURL)
	}
	bin := os.Getenv(EnvBin)
	if bin == "" {
		bin = "ollama"
	}
	host := strings.TrimPrefix(strings.TrimPrefix(url, "http://"), "https://")
	env := append(os.Environ(), "OLLAMA_HOST="+host)
	if home := os.Getenv(EnvHome); home != "" {
		env = append(env, "HOME="+home)
	}
	return &Server{URL: strings.TrimRight(url, "/"), bin: bin, env: env}
}

// CreateTiny writes the tiny model with opts to a temporary directory and
// registers it as name with "ollama create", returning the OpenAI-compatible
// base URL (URL + "/v1").
func (s *Server) CreateTiny(t testing.TB, name string, opts TinyOptions) string {
	t.Helper()
	dir := t.TempDir()
	gguf := filepath.Join(dir, "tiny.gguf")
	f, err := os.Create(gguf)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteTiny(f, opts); err != nil {
		f.Close()
		t.Fatalf("write tiny model: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	mf := filepath.Join(dir, "Modelfile")
	if err := os.WriteFile(mf, []byte(Modelfile(gguf)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.bin, "create", name, "-f", mf)
	cmd.Env = s.env
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s create %s: %v\n%s", s.bin, name, err, out.String())
	}
	return s.URL + "/v1"
}
