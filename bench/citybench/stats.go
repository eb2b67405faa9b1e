package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func median(xs []float64) float64 { return quantile(xs, 0.5) }

// quantile returns the q-quantile of xs with linear interpolation; NaN for
// none.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (pos-float64(lo))*(s[hi]-s[lo])
}

// procMem is what /proc/PID/status says of a process's memory, in bytes.
type procMem struct {
	RSS, HWM int64
}

func (m procMem) String() string {
	return fmt.Sprintf("RSS %s (peak %s)", mib(m.RSS), mib(m.HWM))
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// readProcMem reads VmRSS and VmHWM of pid ("self" for this process).
func readProcMem(pid string) (procMem, error) {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return procMem{}, err
	}
	var m procMem
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		switch k {
		case "VmRSS":
			m.RSS = n << 10
		case "VmHWM":
			m.HWM = n << 10
		}
	}
	if m.RSS == 0 {
		return m, fmt.Errorf("/proc/%s/status: no VmRSS", pid)
	}
	return m, nil
}

// loadAvg describes the machine's load averages: the other work sharing
// its cores while we measure.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(data))
	if err != nil || len(f) < 3 {
		return "load average unknown"
	}
	return fmt.Sprintf("load average %s %s %s (1, 5, 15 min)", f[0], f[1], f[2])
}
