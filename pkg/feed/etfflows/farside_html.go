package etfflows

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
)

// maxColumns bounds the cells of one table row (after colspan), so a
// hostile page cannot make the parser allocate without limit. HTML itself
// caps colspan at 1000.
const maxColumns = 1000

// NewFarsideHTML returns the parser of a Farside Investors flow page
// (https://farside.co.uk/btc/, /eth/, the all-data pages). It reads the
// first <table class="etf"> that has a header row (see the package
// documentation for units, "-", dates and times): rows above the header
// (fee, issuer) and rows whose first cell is not a date (Total, Average,
// Maximum, Minimum) are skipped, columns are keyed by the header's ticker
// text, never by position, so added funds (MSBT) need no change.
//
// Params: "asset", the underlying written on every event (default "BTC";
// "ETH" for the ETH page), and "source" (default "farside"). It returns an
// error wrapping feed.ErrBadParam for any other parameter or an invalid
// value. The parser's error wraps feed.ErrBadBody for an empty body, a page
// without the table (such as Farside's Cloudflare 403 page, which the
// message names), a table without a header row or dated rows, and the
// row-level faults listed in the package documentation.
func NewFarsideHTML(params map[string]string) (feed.Parser, error) {
	return formatParser(FormatFarsideHTML, SourceFarside, params, parseFarsideHTML)
}

func parseFarsideHTML(c *collector, body []byte) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("empty body")
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("not HTML: %w", err)
	}
	var tables []*html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.DataAtom == atom.Table && hasClass(n, "etf") {
			tables = append(tables, n)
		}
	}
	if len(tables) == 0 {
		return noTableError(doc, body)
	}
	for _, t := range tables {
		rows, err := tableRows(t)
		if err != nil {
			return err
		}
		hi, _, err := findFarsideHeader(rows)
		if err != nil {
			return err
		}
		if hi >= 0 {
			return parseFarside(c, rows)
		}
	}
	return fmt.Errorf(`<table class="etf"> has no header row: want a row whose first cell is "Date" or empty, followed by fund tickers and "Total"`)
}

// noTableError says what the page is, since it is not a flow table: its
// title, and whether it is a Cloudflare challenge (Farside's answer to
// many bots, with HTTP 403).
func noTableError(doc *html.Node, body []byte) error {
	title := ""
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.DataAtom == atom.Title {
			title = text(n)
			break
		}
	}
	msg := `no <table class="etf"> in the page`
	if title != "" {
		msg += fmt.Sprintf(" (title %q)", feedtext.Clip(title, 80))
	}
	lower := bytes.ToLower(body)
	if bytes.Contains(lower, []byte("cloudflare")) || strings.Contains(title, "Just a moment") || strings.Contains(title, "Attention Required") {
		msg += "; it looks like a Cloudflare challenge page (Farside answers many automated clients with 403)"
	}
	return errors.New(msg)
}

// hasClass reports whether n's class attribute lists name.
func hasClass(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == "class" && slices.Contains(strings.Fields(a.Val), name) {
			return true
		}
	}
	return false
}

// tableRows returns the rows of table t, in document order, through thead,
// tbody and tfoot but not into nested tables. A cell spanning columns
// (colspan) fills them: its text in the first, empty text in the others.
func tableRows(t *html.Node) ([]farsideRow, error) {
	var rows []farsideRow
	var walk func(n *html.Node) error
	walk = func(n *html.Node) error {
		for ch := range n.ChildNodes() {
			if ch.Type != html.ElementNode {
				continue
			}
			switch ch.DataAtom {
			case atom.Table:
				continue
			case atom.Tr:
				where := "row " + strconv.Itoa(len(rows)+1)
				cells, err := rowCells(ch)
				if err != nil {
					return fmt.Errorf("%s: %w", where, err)
				}
				rows = append(rows, farsideRow{where: where, cells: cells})
			default:
				if err := walk(ch); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(t); err != nil {
		return nil, err
	}
	return rows, nil
}

func rowCells(tr *html.Node) ([]string, error) {
	var cells []string
	for ch := range tr.ChildNodes() {
		if ch.Type != html.ElementNode || (ch.DataAtom != atom.Td && ch.DataAtom != atom.Th) {
			continue
		}
		span := 1
		for _, a := range ch.Attr {
			if a.Namespace == "" && a.Key == "colspan" {
				if v, err := strconv.Atoi(strings.TrimSpace(a.Val)); err == nil && v > 1 {
					span = min(v, maxColumns)
				}
			}
		}
		if len(cells)+span > maxColumns {
			return nil, fmt.Errorf("more than %d columns", maxColumns)
		}
		cells = append(cells, text(ch))
		for range span - 1 {
			cells = append(cells, "")
		}
	}
	return cells, nil
}

// text returns the text inside n with runs of white space (including
// no-break spaces) collapsed to one space and trimmed; script and style
// contents are left out.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode && (d.Parent == nil || (d.Parent.DataAtom != atom.Script && d.Parent.DataAtom != atom.Style)) {
			b.WriteString(d.Data)
			b.WriteByte(' ')
		}
	}
	return collapse(b.String())
}

// collapse trims s and replaces each run of white space, no-break spaces
// included, by one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}
