package event

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/carrywatch/carrywatch/schemas"
)

// SchemaBaseURL is the base of every JSON Schema's $id: the file at
// events/jgb_yield/v1/jgb_yield.json in schemas.Events has the $id
// SchemaBaseURL + "events/jgb_yield/v1/jgb_yield.json". Relative $refs
// between schema files resolve against it.
const SchemaBaseURL = "https://carrywatch.dev/schemas/"

// SchemaFile returns the path inside schemas.Events of the JSON Schema of a
// message kind, e.g. "events/jgb_yield/v1/jgb_yield.json" for
// "cw.jgb.yield/v1". It returns "" for a name not in Schemas().
func SchemaFile(schema string) string {
	if !slices.Contains(Schemas(), schema) {
		return ""
	}
	name, version, _ := strings.Cut(strings.TrimPrefix(schema, "cw."), "/")
	kind := strings.ReplaceAll(name, ".", "_")
	return path.Join("events", kind, version, kind+".json")
}

// CompileSchemas compiles every JSON Schema in schemas.Events (draft
// 2020-12, with format and content assertions on, so date-time, date and
// base64 are checked) and returns the schema of each name in Schemas(),
// keyed by that name. References between files resolve only within
// schemas.Events; nothing is fetched. It returns an error if a file is not
// JSON, its $id is not SchemaBaseURL plus its path, it does not compile,
// or a name in Schemas() has no file.
func CompileSchemas() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.AssertContent()
	c.UseLoader(noLoader{})

	var files []string
	err := fs.WalkDir(schemas.Events, "events", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".json" {
			return nil
		}
		f, err := schemas.Events.Open(p)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		_ = f.Close() // read-only embedded file
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		url := SchemaBaseURL + p
		if obj, _ := doc.(map[string]any); obj == nil || obj["$id"] != url {
			return fmt.Errorf("read %s: $id must be %q", p, url)
		}
		if err := c.AddResource(url, doc); err != nil {
			return fmt.Errorf("add %s: %w", p, err)
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compile schemas: %w", err)
	}

	compiled := make(map[string]*jsonschema.Schema, len(files))
	for _, p := range files {
		sch, err := c.Compile(SchemaBaseURL + p)
		if err != nil {
			return nil, fmt.Errorf("compile schemas: %s: %w", p, err)
		}
		compiled[p] = sch
	}
	out := make(map[string]*jsonschema.Schema, len(Schemas()))
	for _, name := range Schemas() {
		sch, ok := compiled[SchemaFile(name)]
		if !ok {
			return nil, fmt.Errorf("compile schemas: %s has no file %s", name, SchemaFile(name))
		}
		out[name] = sch
	}
	return out, nil
}

// noLoader refuses every URL, so a $ref to anything outside schemas.Events
// fails at compile time instead of reaching for the network or the disk.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("load %s: only schemas embedded in schemas.Events resolve", url)
}
