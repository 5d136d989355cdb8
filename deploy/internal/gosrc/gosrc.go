// Package gosrc reads the repository's Go sources for the deployment
// checks, which compare the deploy files with what the code declares.
package gosrc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
)

// Inspect parses every Go file under root except tests (root itself may be
// a link) and walks each syntax tree with ast.Inspect(file, visit). It
// returns the first error of resolving root, walking it or parsing a file.
func Inspect(root string, visit func(ast.Node) bool) error {
	top, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	return filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, visit)
		return nil
	})
}
