package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/quarterhour/quarterhour/bench/internal/nodecmp"
)

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
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

// threadCPU is the CPU time (user and system) of the calling OS thread;
// lock the goroutine to its thread around what is measured. Zero when the
// kernel does not say.
func threadCPU() time.Duration {
	const rusageThread = 1 // Linux RUSAGE_THREAD
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is the CPU time a process has used, all its threads, from
// /proc/PID/stat (in ticks of 1/100 s, Linux's USER_HZ).
func procCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name in parentheses may hold spaces; fields follow it.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	var ticks int64
	for _, v := range f[11:13] { // utime, stime: fields 14 and 15
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// cpuSpan measures the CPU time of a process between two points; it reads
// nothing and reports -1 for a pid of 0 or an unreadable process.
type cpuSpan struct {
	pid   int
	start time.Duration
	ok    bool
}

func startCPUSpan(pid int) cpuSpan {
	if pid <= 0 {
		return cpuSpan{}
	}
	t, err := procCPU(pid)
	return cpuSpan{pid: pid, start: t, ok: err == nil}
}

func (s cpuSpan) ms() float64 {
	if !s.ok {
		return -1
	}
	t, err := procCPU(s.pid)
	if err != nil {
		return -1
	}
	return nodecmp.MS(t - s.start)
}
