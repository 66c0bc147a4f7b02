package deploycheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// The docs' checks: README.md stays short and keeps the two commands,
// every relative link of README.md and docs/*.md points at a file (and
// heading), configuration.md names exactly the variables config.go reads,
// the go commands and repository paths the docs quote exist, and
// architecture.md lists every package.

// repo is the repository root, seen from this package's directory.
const repo = "../.."

// maxReadmeLines is issue 22's bound on README.md.
const maxReadmeLines = 250

func readRepoFile(t *testing.T, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// docFiles are README.md and every docs/*.md, as slash paths from the root.
func docFiles(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(repo, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) == 0 {
		t.Fatal("no docs/*.md")
	}
	files := []string{"README.md"}
	for _, p := range pages {
		files = append(files, "docs/"+filepath.Base(p))
	}
	return files
}

func TestReadmeIsShortAndKeepsTheTwoCommands(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	if n := len(strings.Split(strings.TrimSuffix(readme, "\n"), "\n")); n > maxReadmeLines {
		t.Errorf("README.md has %d lines, at most %d: move detail to a docs/ page and link it", n, maxReadmeLines)
	}
	for _, cmd := range []string{"go run ./cmd/twincms", "go test ./..."} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README.md lost the command %q", cmd)
		}
	}
}

// --- Markdown reading ---

var (
	fence      = regexp.MustCompile("(?m)^ {0,3}(```|~~~)")
	inlineCode = regexp.MustCompile("`[^`]+`")
	inlineLink = regexp.MustCompile(`\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	refLink    = regexp.MustCompile(`(?m)^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$`)
	heading    = regexp.MustCompile(`^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	schemeRE   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// splitFences returns the prose of a Markdown text (fenced code blocks
// blanked, lines kept) and the lines inside its fenced code blocks.
func splitFences(md string) (prose string, code []string) {
	var out []string
	in := false
	for _, line := range strings.Split(md, "\n") {
		if fence.MatchString(line) {
			in = !in
			out = append(out, "")
			continue
		}
		if in {
			code = append(code, line)
			out = append(out, "")
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n"), code
}

// links are the targets of a Markdown text's inline and reference links,
// outside code.
func links(md string) []string {
	prose, _ := splitFences(md)
	prose = inlineCode.ReplaceAllString(prose, "code")
	var out []string
	for _, m := range inlineLink.FindAllStringSubmatch(prose, -1) {
		out = append(out, m[1])
	}
	for _, m := range refLink.FindAllStringSubmatch(prose, -1) {
		out = append(out, m[1])
	}
	return out
}

// anchors are the ids GitHub gives a Markdown text's headings: the text
// lower-cased, without punctuation, spaces as hyphens, repeats numbered.
func anchors(md string) map[string]bool {
	prose, _ := splitFences(md)
	seen := map[string]int{}
	out := map[string]bool{}
	for _, line := range strings.Split(prose, "\n") {
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		text := inlineLink.ReplaceAllStringFunc(m[2], func(l string) string { return l[1:strings.Index(l, "](")] })
		var b strings.Builder
		for _, r := range strings.ToLower(text) {
			switch {
			case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || r == '_' || r == '-':
				b.WriteRune(r)
			case r == ' ':
				b.WriteByte('-')
			}
		}
		id := b.String()
		if n := seen[id]; n > 0 {
			out[id+"-"+strconv.Itoa(n)] = true
		} else {
			out[id] = true
		}
		seen[id]++
	}
	return out
}

// brokenLinks lists what is wrong with the relative links of the doc at
// rel (a slash path from the root), whose text is md.
func brokenLinks(t *testing.T, rel, md string) []string {
	var bad []string
	for _, target := range links(md) {
		if schemeRE.MatchString(target) || strings.HasPrefix(target, "//") {
			continue // a URL: not a file of this repository
		}
		file, frag, _ := strings.Cut(target, "#")
		file, _, _ = strings.Cut(file, "?")
		dest, destText := rel, md
		if file != "" {
			if strings.HasPrefix(file, "/") {
				bad = append(bad, target+": a site-absolute path; link relative to the file")
				continue
			}
			dest = path.Clean(path.Join(path.Dir(rel), file))
			if dest == ".." || strings.HasPrefix(dest, "../") {
				bad = append(bad, target+": outside the repository")
				continue
			}
			data, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(dest)))
			switch {
			case err != nil && !isDir(dest):
				bad = append(bad, target+": no file "+dest)
				continue
			case err != nil:
				continue // a directory
			}
			destText = string(data)
		}
		if frag != "" && strings.HasSuffix(dest, ".md") && !anchors(destText)[frag] {
			bad = append(bad, target+": "+dest+" has no heading #"+frag)
		}
	}
	return bad
}

func isDir(rel string) bool {
	fi, err := os.Stat(filepath.Join(repo, filepath.FromSlash(rel)))
	return err == nil && fi.IsDir()
}

func exists(rel string) bool {
	_, err := os.Stat(filepath.Join(repo, filepath.FromSlash(rel)))
	return err == nil
}

func TestDocLinksPointAtFiles(t *testing.T) {
	for _, rel := range docFiles(t) {
		md := readRepoFile(t, rel)
		if rel == "README.md" && len(links(md)) < 5 {
			t.Errorf("README.md links %d pages, want links to the docs/ pages", len(links(md)))
		}
		for _, b := range brokenLinks(t, rel, md) {
			t.Errorf("%s: broken link %s", rel, b)
		}
	}
	// Every docs page is reachable from the README.
	readme := links(readRepoFile(t, "README.md"))
	for _, rel := range docFiles(t)[1:] {
		if !slices.Contains(readme, rel) {
			t.Errorf("README.md does not link %s", rel)
		}
	}
}

// TestLinkCheckerNoticesBreakage keeps the link check honest: a missing
// file, a missing heading and a link out of the repository are found,
// and what exists passes.
func TestLinkCheckerNoticesBreakage(t *testing.T) {
	md := "# Title\n\n## Two words\n\n[a](api.md) [b](../README.md#twincms) [c](#two-words) " +
		"[d](nope.md) [e](#nowhere) [f](../../outside.md) [g](https://example.org/x.md) `[h](inline.md)`\n" +
		"```\n[i](fenced.md)\n```\n"
	got := brokenLinks(t, "docs/x.md", md)
	if len(got) != 3 || !strings.Contains(got[0], "nope.md") || !strings.Contains(got[1], "#nowhere") || !strings.Contains(got[2], "outside") {
		t.Errorf("broken links of the sample: %q, want nope.md, #nowhere, outside", got)
	}
	if a := anchors("## The `twincms` command — v2 (ingest/export)\n## Tests\n## Tests\n"); !a["the-twincms-command--v2-ingestexport"] || !a["tests-1"] {
		t.Errorf("anchors: %v", a)
	}
}

// --- Configuration ---

var (
	quotedVar = regexp.MustCompile(`^"(TWINCMS_[A-Z0-9_]+)"$`)
	anyVar    = regexp.MustCompile(`\bTWINCMS_[A-Z0-9_]+\b`)
)

// configVariables are the variables config/config.go reads: the string
// literals that are exactly a TWINCMS_* name (a name inside a longer
// message is not one).
func configVariables(t *testing.T) []string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), filepath.Join(repo, "config", "config.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	ast.Inspect(file, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if m := quotedVar.FindStringSubmatch(lit.Value); m != nil {
				set[m[1]] = true
			}
		}
		return true
	})
	if len(set) < 20 {
		t.Fatalf("found %d TWINCMS_* variables in config/config.go; the parse is wrong", len(set))
	}
	return sortedKeys(set)
}

// compareVariables says which code variables the doc does not name and
// which names in the doc the code does not read.
func compareVariables(code []string, doc string) (undocumented, unknown []string) {
	named := map[string]bool{}
	for _, v := range anyVar.FindAllString(doc, -1) {
		named[v] = true
	}
	for _, v := range code {
		if !named[v] {
			undocumented = append(undocumented, v)
		}
		delete(named, v)
	}
	return undocumented, sortedKeys(named)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestConfigurationDocNamesExactlyTheVariablesConfigReads(t *testing.T) {
	undocumented, unknown := compareVariables(configVariables(t), readRepoFile(t, "docs/configuration.md"))
	for _, v := range undocumented {
		t.Errorf("config/config.go reads %s; docs/configuration.md does not name it", v)
	}
	for _, v := range unknown {
		t.Errorf("docs/configuration.md names %s, which config/config.go does not read", v)
	}
}

// TestConfigurationCheckNoticesAChange removes each variable from the
// doc in turn, and adds one config.go does not read: the comparison must
// notice every time.
func TestConfigurationCheckNoticesAChange(t *testing.T) {
	code, doc := configVariables(t), readRepoFile(t, "docs/configuration.md")
	for _, v := range code {
		without := regexp.MustCompile(`\b`+regexp.QuoteMeta(v)+`\b`).ReplaceAllString(doc, "(removed)")
		if undocumented, _ := compareVariables(code, without); !slices.Contains(undocumented, v) {
			t.Errorf("with %s removed from the doc the check does not notice (%v undocumented)", v, undocumented)
		}
	}
	if _, unknown := compareVariables(code, doc+"\n`TWINCMS_NOT_A_SETTING`\n"); !slices.Contains(unknown, "TWINCMS_NOT_A_SETTING") {
		t.Error("a variable config.go does not read went unnoticed")
	}
}

// --- Commands and paths the docs quote ---

var (
	goCommand    = regexp.MustCompile(`\bgo (test|run)\b(.*)`)
	pkgArg       = regexp.MustCompile(`(?:^|\s)(\./[A-Za-z0-9_./-]*)`)
	patternArg   = regexp.MustCompile(`\s-(bench|run|fuzz)[ =]('[^']*'|"[^"]*"|\S+)`)
	testFunc     = regexp.MustCompile(`(?m)^func ((?:Test|Benchmark|Fuzz|Example)[A-Za-z0-9_]*)\(`)
	shellComment = regexp.MustCompile(`(?:^|\s)#.*$`)
	repoPath     = regexp.MustCompile(`^(?:\./)?([A-Za-z0-9_.-]+)/[A-Za-z0-9_.*/-]*$`)
)

// snippets are what a doc quotes as code: each line of its fenced blocks
// and each inline code span (joined onto one line).
func snippets(md string) []string {
	prose, code := splitFences(md)
	out := slices.Clone(code)
	for _, span := range inlineCode.FindAllString(prose, -1) {
		out = append(out, strings.ReplaceAll(strings.Trim(span, "`"), "\n", " "))
	}
	return out
}

// testFuncs are the test, benchmark, fuzz and example functions of the
// package in dir (any build tag).
func testFuncs(t *testing.T, dir string) []string {
	files, err := filepath.Glob(filepath.Join(repo, filepath.FromSlash(dir), "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range testFunc.FindAllStringSubmatch(string(data), -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// checkGoCommand reports what is wrong with one quoted go test / go run
// command: a package directory that does not exist, or a -run, -bench or
// -fuzz pattern no function of the package matches.
func checkGoCommand(t *testing.T, cmd string) []string {
	cmd = shellComment.ReplaceAllString(cmd, "")
	m := goCommand.FindStringSubmatch(cmd)
	if m == nil {
		return nil
	}
	var bad, dirs []string
	for _, a := range pkgArg.FindAllStringSubmatch(m[2], -1) {
		dir := strings.TrimSuffix(strings.TrimPrefix(a[1], "./"), "/")
		if dir == "..." || dir == "." || dir == "" {
			continue
		}
		if strings.HasSuffix(dir, "/...") {
			dir = strings.TrimSuffix(dir, "/...")
		}
		if !isDir(dir) {
			bad = append(bad, "no package directory ./"+dir)
			continue
		}
		dirs = append(dirs, dir)
	}
	if m[1] != "test" || len(dirs) != 1 || strings.HasSuffix(m[2], "/...") {
		return bad
	}
	funcs := testFuncs(t, dirs[0])
	for _, p := range patternArg.FindAllStringSubmatch(m[2], -1) {
		pattern := strings.Trim(p[2], `'"`)
		top, _, _ := strings.Cut(pattern, "/")
		re, err := regexp.Compile(top)
		if err != nil || re.MatchString("") {
			continue // '^$' and the like: matches nothing on purpose
		}
		kind := map[string]string{"bench": "Benchmark", "run": "Test", "fuzz": "Fuzz"}[p[1]]
		if !slices.ContainsFunc(funcs, func(f string) bool {
			return (strings.HasPrefix(f, kind) || p[1] == "run" && (strings.HasPrefix(f, "Fuzz") || strings.HasPrefix(f, "Example"))) && re.MatchString(f)
		}) {
			bad = append(bad, "-"+p[1]+" "+pattern+" matches nothing in ./"+dirs[0])
		}
	}
	return bad
}

// packageRoots are the first elements a path of this repository may
// start with: the root's entries, and internal/'s (a path written
// without internal/ is a stale one).
func packageRoots(t *testing.T) map[string]bool {
	roots := map[string]bool{}
	for _, dir := range []string{repo, filepath.Join(repo, "internal")} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != ".git" {
				roots[e.Name()] = true
			}
		}
	}
	return roots
}

func TestDocsQuoteCommandsAndPathsThatExist(t *testing.T) {
	roots := packageRoots(t)
	for _, rel := range docFiles(t) {
		for _, s := range snippets(readRepoFile(t, rel)) {
			for _, b := range checkGoCommand(t, s) {
				t.Errorf("%s: `%s`: %s", rel, strings.TrimSpace(s), b)
			}
			m := repoPath.FindStringSubmatch(strings.TrimSpace(s))
			if m == nil || !roots[m[1]] {
				continue // not a path of this repository (an API path, a key in a bag …)
			}
			p := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "./"), "/")
			if matches, _ := filepath.Glob(filepath.Join(repo, filepath.FromSlash(p))); len(matches) == 0 {
				t.Errorf("%s: `%s` names no file or directory of the repository", rel, s)
			}
		}
	}
}

// TestCommandCheckerNoticesStalePaths keeps the command check honest.
func TestCommandCheckerNoticesStalePaths(t *testing.T) {
	for cmd, want := range map[string]int{
		"go test -run '^$' -bench 'BenchmarkScale$' -benchtime 20x ./internal/app":   0,
		"go test -run '^$' -bench BenchmarkScale ./ingest":                           1,
		"go test -run '^$' -bench BenchmarkNoSuchThing ./internal/app":               1,
		"go test -run 'TestNoSuchThing' ./internal/deploycheck":                      1,
		"go test -run 'TestReadme|TestDocLinks' -v ./internal/deploycheck":           0,
		"go run ./internal/nothing-here":                                             1,
		"go test ./...":                                                              0,
		"go run ./cmd/twincms     # serves http://127.0.0.1:8080, data under ./data": 0,
	} {
		if got := checkGoCommand(t, cmd); len(got) != want {
			t.Errorf("%s: %d problems %q, want %d", cmd, len(got), got, want)
		}
	}
}

// --- Packages ---

// packageDirs are the directories of this module holding Go files, as
// slash paths from the root (the root itself left out).
func packageDirs(t *testing.T) []string {
	set := map[string]bool{}
	err := filepath.WalkDir(repo, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && p != repo && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() && p != repo && exists(path.Join(filepath.ToSlash(mustRel(t, p)), "go.mod")) {
			return filepath.SkipDir // another module
		}
		if !d.IsDir() && strings.HasSuffix(name, ".go") {
			if dir := filepath.ToSlash(mustRel(t, filepath.Dir(p))); dir != "." {
				set[dir] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sortedKeys(set)
}

func mustRel(t *testing.T, p string) string {
	rel, err := filepath.Rel(repo, p)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

// packageList is the first fenced block after architecture.md's
// "## Packages" heading: the first field of each line.
func packageList(t *testing.T, md string) []string {
	_, after, ok := strings.Cut(md, "\n## Packages\n")
	if !ok {
		t.Fatal(`docs/architecture.md has no "## Packages" section`)
	}
	_, code := splitFences(after)
	end := strings.Index(after, "\n## ")
	if end >= 0 {
		_, code = splitFences(after[:end])
	}
	var out []string
	for _, line := range code {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(line, " ") {
			out = append(out, f[0])
		}
	}
	return out
}

func TestArchitectureListsEveryPackage(t *testing.T) {
	listed := packageList(t, readRepoFile(t, "docs/architecture.md"))
	for _, dir := range packageDirs(t) {
		if !slices.Contains(listed, dir) {
			t.Errorf("docs/architecture.md's package list lacks %s (one line: the path and its doc comment's gist)", dir)
		}
	}
	for _, p := range listed {
		if p != "twincms" && !isDir(p) {
			t.Errorf("docs/architecture.md lists %s, which is no directory of the repository", p)
		}
	}
}

// --- Test names ---

var (
	namedTest  = regexp.MustCompile("`((?:Test|Benchmark|Fuzz|Example)[A-Z][A-Za-z0-9_]*)`")
	ciFuzz     = regexp.MustCompile(`([a-z][a-z0-9/]*):(Fuzz[A-Za-z0-9_]+)`)
	fuzzRow    = regexp.MustCompile("(?m)^\\|\\s*`([^`]+)`\\s*\\|(.*)\\|\\s*$")
	fuzzTarget = regexp.MustCompile(`Fuzz[A-Za-z0-9_]+`)
)

// allTestFuncs are the test, benchmark, fuzz and example functions of
// every package, by package directory.
func allTestFuncs(t *testing.T) map[string][]string {
	out := map[string][]string{}
	for _, dir := range append(packageDirs(t), ".") {
		out[dir] = testFuncs(t, dir)
	}
	return out
}

// TestDocsNameTestsThatExist: a test, benchmark or fuzz target the docs
// name in code must exist somewhere in the module (renamed or removed
// ones are stale).
func TestDocsNameTestsThatExist(t *testing.T) {
	known := map[string]bool{}
	for _, funcs := range allTestFuncs(t) {
		for _, f := range funcs {
			known[f] = true
		}
	}
	for _, rel := range docFiles(t) {
		prose, _ := splitFences(readRepoFile(t, rel))
		for _, m := range namedTest.FindAllStringSubmatch(prose, -1) {
			if !known[m[1]] {
				t.Errorf("%s names %s, which no test file defines", rel, m[1])
			}
		}
	}
}

// TestFuzzTableMatchesCI: testing.md's table of fuzz targets is the list
// .ci/run fuzzes, package by package, each defined in its package, and no
// fuzz target of the module is left out of CI.
func TestFuzzTableMatchesCI(t *testing.T) {
	pairs := func(rows [][]string) map[string]bool {
		out := map[string]bool{}
		for _, r := range rows {
			out[r[0]+":"+r[1]] = true
		}
		return out
	}
	var ciRows, docRows [][]string
	for _, m := range ciFuzz.FindAllStringSubmatch(readRepoFile(t, ".ci/run"), -1) {
		ciRows = append(ciRows, []string{m[1], m[2]})
	}
	_, section, _ := strings.Cut(readRepoFile(t, "docs/testing.md"), "### Fuzzing")
	for _, row := range fuzzRow.FindAllStringSubmatch(section, -1) {
		for _, f := range fuzzTarget.FindAllString(row[2], -1) {
			docRows = append(docRows, []string{row[1], f})
		}
	}
	ci, doc := pairs(ciRows), pairs(docRows)
	if len(ci) == 0 || len(doc) == 0 {
		t.Fatalf("found %d fuzz targets in .ci/run and %d in docs/testing.md's table", len(ci), len(doc))
	}
	for p := range ci {
		if !doc[p] {
			t.Errorf(".ci/run fuzzes %s; docs/testing.md's table does not list it there", p)
		}
	}
	for p := range doc {
		if !ci[p] {
			t.Errorf("docs/testing.md lists the fuzz target %s, which .ci/run does not fuzz", p)
		}
	}
	for dir, funcs := range allTestFuncs(t) {
		for _, f := range funcs {
			if strings.HasPrefix(f, "Fuzz") && !ci[dir+":"+f] {
				t.Errorf("%s in %s is fuzzed by no .ci/run stage", f, dir)
			}
		}
	}
	for p := range ci {
		dir, f, _ := strings.Cut(p, ":")
		if !slices.Contains(testFuncs(t, dir), f) {
			t.Errorf(".ci/run fuzzes %s, which %s does not define", f, dir)
		}
	}
}
