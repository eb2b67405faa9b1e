package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestDisplayWidth_CountsChineseAsTwoColumns(t *testing.T) {
	for s, want := range map[string]int{"A1": 2, "便利店": 6, "100%（满分 20）": 15, "": 0} {
		if got := displayWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestWriteAligned_LinesUpMixedScripts(t *testing.T) {
	var b bytes.Buffer
	writeAligned(&b, [][]string{{"ID", "NAME", "VALUE"}, {"A1", "基本保障类业态配置", "100%"}, {"D1", "chain rate", "18%"}})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	col := -1
	for _, l := range lines {
		i := strings.LastIndex(l, "  ")
		if c := displayWidth(l[:i]); col < 0 {
			col = c
		} else if c != col {
			t.Errorf("value column at %d, want %d:\n%s", c, col, b.String())
		}
	}
}
