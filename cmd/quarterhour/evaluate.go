package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/scoring"
	"github.com/quarterhour/quarterhour/store/open"
)

// runEvaluate prints the live scoring of one circle, as the API's preview
// gives it: metrics computed now from the stored network, outlets and
// communities, with the submitted values of the circle's evaluation if any.
// Whoever holds the database may read every district, so the command acts
// as an admin.
func runEvaluate(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("evaluate", e)
	circle := fs.Int64("circle", 0, "circle id (required)")
	scheme := fs.String("scheme", app.DefaultScheme, "scheme code")
	year := fs.Int("year", 0, "evaluation year (default: the scheme's first year)")
	format := fs.String("format", "table", "output: table or json")
	db := dbFlag(fs, e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *circle <= 0 || (*format != "table" && *format != "json") {
		fmt.Fprintln(fs.Output(), "quarterhour evaluate: --circle ID is required and --format is table or json")
		fs.Usage()
		return errUsage
	}
	st, err := open.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := app.New(app.Config{Store: st, Logger: e.log})
	if err != nil {
		return err
	}
	operator := &quarterhour.User{Username: "cli", Role: quarterhour.RoleAdmin}
	res, err := a.Preview(ctx, operator, *circle, *scheme, *year)
	if err != nil {
		return fmt.Errorf("evaluate circle %d: %w", *circle, err)
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return writeResultTable(e.stdout, res)
}

// writeResultTable prints a result as aligned columns: one row per
// indicator, then the gates, total, tier and award.
func writeResultTable(w io.Writer, r scoring.Result) error {
	fmt.Fprintf(w, "scheme %s v%d, year %d\n", r.Scheme, r.SchemeVersion, r.Year)
	if r.Reconstructed && r.Notice != "" {
		fmt.Fprintf(w, "note: %s\n", r.Notice)
	}
	fmt.Fprintln(w)
	rows := [][]string{{"ID", "INDICATOR", "VALUE", "POINTS", "EXPLANATION"}}
	for _, ind := range r.Indicators {
		rows = append(rows, []string{ind.ID, ind.Name, formatValue(ind), fmt.Sprintf("%.2f/%.0f", ind.Points, ind.MaxPoints), ind.Explanation})
	}
	writeAligned(w, rows)
	fmt.Fprintln(w)
	rows = [][]string{{"GATE", "TIER", "HELD", "MESSAGE"}}
	for i, g := range r.Gates {
		held := "no"
		if g.Held {
			held = "yes"
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), g.Tier, held, g.Message})
	}
	writeAligned(w, rows)
	fmt.Fprintf(w, "\ntotal %.2f / %.0f\n", r.Total, r.MaxTotal)
	fmt.Fprintf(w, "tier  %s (%s): %s\n", r.Tier, r.TierName, r.TierReason)
	award := "not eligible"
	if r.Award.Eligible {
		award = fmt.Sprintf("eligible, at most ¥%d", r.Award.CapYuan)
	}
	_, err := fmt.Fprintf(w, "award %s: %s\n", award, r.Award.Reason)
	return err
}

// writeAligned prints rows in columns two spaces apart, padding by display
// width so Chinese text (two columns a character) lines up.
func writeAligned(w io.Writer, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, c := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, c := range row {
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// displayWidth counts East Asian wide and full-width characters as two
// terminal columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6:
			n += 2
		default:
			n++
		}
	}
	return n
}

// formatValue shows shares as percentages and a missing input as "—".
func formatValue(ind scoring.IndicatorResult) string {
	if ind.Value == nil {
		return "—"
	}
	v := *ind.Value
	switch ind.Unit {
	case "share":
		return fmt.Sprintf("%.1f%%", v*100)
	case "bool":
		if v != 0 {
			return "yes"
		}
		return "no"
	case "count":
		return fmt.Sprintf("%.0f", v)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}
