package sem_test

import (
	"go/build"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Every Linux port builds exactly one layout of struct semid64_ds, and every layout is
// built somewhere. A file name whose last element is a GOARCH (semds_linux_mips.go) is a
// build constraint of its own that overrides the //go:build line (mipsle got no layout),
// so the files are named for the layout and name their architectures in the build line.
func TestOneSemidDSPerLinuxPort(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to list the ports with: %v", err)
	}
	out, err := exec.Command(goBin, "tool", "dist", "list").Output()
	if err != nil {
		t.Fatalf("go tool dist list: %v", err)
	}
	matches, err := filepath.Glob("semds_*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range matches {
		if !strings.HasSuffix(f, "_test.go") {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Fatal("no semds_*.go files")
	}
	built := make(map[string]bool)
	for _, port := range strings.Fields(string(out)) {
		goos, goarch, _ := strings.Cut(port, "/")
		if goos != "linux" {
			continue
		}
		ctx := build.Default
		ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = goos, goarch, false
		var match []string
		for _, f := range files {
			ok, err := ctx.MatchFile(".", f)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				match = append(match, f)
				built[f] = true
			}
		}
		if len(match) != 1 {
			t.Errorf("%s builds %d layouts %v, want exactly one", port, len(match), match)
		}
	}
	for _, f := range files {
		if !built[f] {
			t.Errorf("%s is built for no Linux port", f)
		}
	}
}
