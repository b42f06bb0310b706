// Command imports checks that every Go file below the current directory groups its
// imports as goimports writes them: the standard library first, then the others, each
// group separated from the next by a blank line. It prints each file that does not, and
// exits 1 if any. CI runs it: go run ./.ci/imports
package main

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	bad := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		if msg := check(path); msg != "" {
			fmt.Printf("%s: %s\n", path, msg)
			bad++
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if bad > 0 {
		os.Exit(1)
	}
}

// check returns what is wrong with the imports of the file at path, or "".
func check(path string) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
	if err != nil {
		return err.Error()
	}
	lastLine, lastStd, seenOther := 0, false, false
	for i, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		std := !strings.Contains(strings.SplitN(p, "/", 2)[0], ".")
		line := fset.Position(imp.Pos()).Line
		sameGroup := i > 0 && line == lastLine+1
		switch {
		case std && seenOther:
			return fmt.Sprintf("standard library import %q after other imports", p)
		case sameGroup && std != lastStd:
			return fmt.Sprintf("import %q shares a group with imports of the other kind: separate the standard library with a blank line", p)
		}
		if !std {
			seenOther = true
		}
		lastLine, lastStd = line, std
	}
	return ""
}
