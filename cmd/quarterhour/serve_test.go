package main

import "testing"

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"1200MiB": 1200 << 20, "2GiB": 2 << 30, "1.5 GiB": 3 << 29, "0": 0, "512KB": 512_000, "100": 100, "7B": 7} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "lots", "-1MiB", "1TiB", "MiB"} {
		if _, err := parseBytes(bad); err == nil {
			t.Errorf("parseBytes(%q) succeeded", bad)
		}
	}
}
