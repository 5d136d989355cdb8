package deploy_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

func TestDockerfiles(t *testing.T) { assertNoFindings(t, checkDockerfiles) }

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY, …
	args string
}

// readDockerfile reads and parses the Dockerfile name of the repository;
// it reports false, with the error as a finding, if it cannot be read.
func readDockerfile(r *repo, f *findings, name string) ([]instruction, bool) {
	b, err := os.ReadFile(r.path(name))
	if err != nil {
		f.add("%v", err)
		return nil, false
	}
	return parseDockerfile(string(b)), true
}

// parseDockerfile splits a Dockerfile into instructions. It knows the
// little this repository's Dockerfiles use: comments, parser directives,
// backslash continuations.
func parseDockerfile(text string) []instruction {
	var out []instruction
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cur.Len() > 0 && strings.HasPrefix(trimmed, "#") {
			continue // a comment inside a continued instruction
		}
		if strings.HasSuffix(trimmed, `\`) {
			cur.WriteString(strings.TrimSuffix(trimmed, `\`) + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// flagsAndArgs separates --flags from the arguments of COPY.
func flagsAndArgs(args string) (flags map[string]string, rest []string) {
	flags = map[string]string{}
	for _, a := range strings.Fields(args) {
		if name, ok := strings.CutPrefix(a, "--"); ok {
			k, v, _ := strings.Cut(name, "=")
			flags[k] = v
			continue
		}
		rest = append(rest, a)
	}
	return flags, rest
}

// exec reads an exec-form (JSON array) argument list.
func exec(args string) []string {
	var out []string
	if json.Unmarshal([]byte(args), &out) != nil {
		return nil
	}
	return out
}

func checkDockerfiles(r *repo, f *findings) {
	checkDockerfile(r, f)
	checkDockerfileDev(r, f)
}

// checkDockerfile: the image builds every service and nothing else, from
// files the build context has, into a static non-root image.
func checkDockerfile(r *repo, f *findings) {
	const name = "deploy/docker/Dockerfile"
	ins, ok := readDockerfile(r, f, name)
	if !ok {
		return
	}
	add := func(format string, args ...any) { f.add(name+": "+format, args...) }
	ignore, err := dockerignore(r)
	if err != nil {
		add("%v", err)
		return
	}

	built := map[string]bool{}
	reBuild := regexp.MustCompile(`\bgo build\b`)
	rePkg := regexp.MustCompile(`\./services/([^\s/]+)`)
	var froms []string
	for _, in := range ins {
		switch in.cmd {
		case "FROM":
			image, _, _ := strings.Cut(in.args, " ")
			froms = append(froms, image)
			if !pinned(image) {
				add("base image %s is not pinned to a version", image)
			}
		case "RUN":
			if !reBuild.MatchString(in.args) {
				continue
			}
			for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-s -w", "-o /out/"} {
				if !strings.Contains(in.args, want) {
					add("go build lacks %s", want)
				}
			}
			for _, m := range rePkg.FindAllStringSubmatch(in.args, -1) {
				built[m[1]] = true
				if !r.binaries[m[1]] {
					add("builds ./services/%s, which does not exist (services/%s)", m[1], m[1])
				}
			}
		case "COPY":
			flags, args := flagsAndArgs(in.args)
			if _, fromStage := flags["from"]; fromStage || len(args) < 2 {
				continue
			}
			for _, src := range args[:len(args)-1] {
				checkContextPath(r, ignore, src, add)
			}
		}
	}
	for _, bin := range sortedKeys(r.binaries) {
		if !built[bin] {
			add("does not build %s (services/%s)", bin, bin)
		}
	}
	final := ins[len(ins)-1:]
	for i := len(ins) - 1; i >= 0; i-- {
		if ins[i].cmd == "FROM" {
			final = ins[i:]
			break
		}
	}
	want := map[string]bool{
		"FROM gcr.io/distroless/static-debian12:nonroot":            true,
		"COPY --from=build /out/ /usr/local/bin/":                   true,
		"USER 65532:65532":                                          true,
		"EXPOSE 8080":                                               true,
		`ENTRYPOINT ["/usr/local/bin/carrywatch"]`:                  true,
		"COPY deploy/feeds.example.yaml /etc/carrywatch/feeds.yaml": true,
	}
	for _, in := range final {
		delete(want, in.cmd+" "+in.args)
	}
	for _, missing := range sortedKeys(want) {
		add("the final stage lacks %s", missing)
	}
	if len(froms) < 2 || !strings.HasPrefix(froms[0], "golang:") {
		add("not a multi-stage build from golang: %v", froms)
	}
}

// checkContextPath: the build context (the repository, less .dockerignore)
// has every file under src the build needs: all but tests and test data.
func checkContextPath(r *repo, ignore *patternmatcher.PatternMatcher, src string, add func(string, ...any)) {
	src = strings.TrimSuffix(filepath.Clean(src), "/")
	if !r.exists(src) {
		add("COPY %s: no such path in the repository", src)
		return
	}
	top, err := filepath.EvalSymlinks(r.path(src))
	if err != nil {
		add("COPY %s: %v", src, err)
		return
	}
	err = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(top, p)
		if err != nil {
			return err
		}
		rel = path.Join(src, filepath.ToSlash(rel))
		if strings.HasSuffix(rel, "_test.go") || strings.Contains(rel, "/testdata/") {
			return nil
		}
		excluded, err := ignore.MatchesOrParentMatches(rel)
		if err != nil {
			return err
		}
		if excluded {
			add("COPY %s: .dockerignore leaves %s out of the build context", src, rel)
			return filepath.SkipAll
		}
		return nil
	})
	if err != nil {
		add("COPY %s: %v", src, err)
	}
}

func dockerignore(r *repo) (*patternmatcher.PatternMatcher, error) {
	file, err := os.Open(r.path(".dockerignore"))
	if err != nil {
		return nil, err
	}
	defer file.Close()
	patterns, err := ignorefile.ReadAll(file)
	if err != nil {
		return nil, err
	}
	return patternmatcher.New(patterns)
}

// checkDockerfileDev: the development image holds the host-built binaries
// (its context is their directory) where the manifests run them from.
func checkDockerfileDev(r *repo, f *findings) {
	const name = "deploy/docker/Dockerfile.dev"
	ins, ok := readDockerfile(r, f, name)
	if !ok {
		return
	}
	var copied, user, entry bool
	for _, in := range ins {
		switch in.cmd {
		case "COPY":
			_, args := flagsAndArgs(in.args)
			copied = copied || slices.Equal(args, []string{".", "/usr/local/bin/"})
		case "USER":
			user = in.args == "65532:65532"
		case "ENTRYPOINT":
			entry = slices.Equal(exec(in.args), []string{"/usr/local/bin/carrywatch"})
		}
	}
	if !copied || !user || !entry {
		f.add("%s: want the binaries copied to /usr/local/bin/ (%v), USER 65532:65532 (%v), ENTRYPOINT carrywatch (%v)", name, copied, user, entry)
	}
}
