package briefing_test

import (
	"os/exec"
	"strings"
	"testing"
)

// goList runs "go list" in the module root with args and returns its
// output lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	return strings.Fields(string(out))
}

const module = "github.com/briefing/briefing"

// TestLayout keeps the import rules of README's Layout section: llm and bot
// speak the shared vocabulary (this package) and never link the engine or
// its store; the vocabulary imports nothing of ours but corpus; chromem-go
// and flock are imported by rag/vecstore alone; no internal package imports
// bot or llm.
func TestLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	for _, dep := range goList(t, "-deps", "./llm", "./bot") {
		if strings.Contains(dep, "chromem-go") || strings.Contains(dep, "gofrs/flock") || dep == module+"/rag" || strings.HasPrefix(dep, module+"/rag/") {
			t.Errorf("llm or bot depends on %s; they must speak package briefing, not the engine", dep)
		}
	}
	for _, imp := range goList(t, "-f", `{{join .Imports "\n"}}`, ".") {
		if strings.HasPrefix(imp, module+"/") && imp != module+"/corpus" {
			t.Errorf("package briefing imports %s; it may import only corpus of this module", imp)
		}
	}
	lines := goList(t, "-f", `{{.ImportPath}}:{{join .Imports ","}}`, "./...")
	for _, l := range lines {
		pkg, imports, _ := strings.Cut(l, ":")
		for _, imp := range strings.Split(imports, ",") {
			if (strings.Contains(imp, "chromem-go") || strings.Contains(imp, "gofrs/flock")) && pkg != module+"/rag/vecstore" {
				t.Errorf("%s imports %s; only rag/vecstore may", pkg, imp)
			}
			// The adapters under internal serve the front ends; a front end
			// never sits beneath one.
			if strings.HasPrefix(pkg, module+"/internal/") && (imp == module+"/bot" || imp == module+"/llm") {
				t.Errorf("%s imports %s; internal packages speak package briefing, and only cmd/briefing wires the front ends", pkg, imp)
			}
		}
	}
}
