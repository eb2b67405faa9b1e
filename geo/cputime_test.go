package geo_test

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// cpuMeter measures the CPU time of the benchmark's own thread, which on a
// shared machine tells runs apart better than wall time does.
type cpuMeter struct {
	start time.Duration
}

// startCPU locks the benchmark goroutine to its thread and starts counting.
func startCPU() cpuMeter {
	runtime.LockOSThread()
	return cpuMeter{start: threadCPU()}
}

// report adds the thread's CPU time per op as the "cpu-ns/op" metric.
func (m cpuMeter) report(b *testing.B) {
	used := threadCPU() - m.start
	runtime.UnlockOSThread()
	if used > 0 && b.N > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// threadCPU returns the user and system time of the calling thread; zero
// where the platform does not report it.
func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD on Linux
	if runtime.GOOS != "linux" {
		return 0
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
