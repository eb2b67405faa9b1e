package geo

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallel calls fn(i) for every i in [0, n) over GOMAXPROCS goroutines,
// each taking the next i as it finishes one, and returns when all are done;
// with one goroutine to spare or one item it runs them in turn.
func Parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// parallelFor is Parallel for work that can fail: it returns the errors of
// all calls joined.
func parallelFor(n int, fn func(i int) error) error {
	errs := make([]error, n)
	Parallel(n, func(i int) { errs[i] = fn(i) })
	return errors.Join(errs...)
}

// chunkBounds splits n items into about 4 chunks per CPU: chunk i is
// [b[i], b[i+1]).
func chunkBounds(n int) []int {
	parts := max(1, min(n/4096, 4*runtime.GOMAXPROCS(0)))
	b := make([]int, parts+1)
	for i := range b {
		b[i] = n * i / parts
	}
	return b
}

// parallelChunks calls fn on the chunks of [0, n) over GOMAXPROCS
// goroutines and returns their errors joined.
func parallelChunks(n int, fn func(lo, hi int) error) error {
	b := chunkBounds(n)
	return parallelFor(len(b)-1, func(i int) error { return fn(b[i], b[i+1]) })
}
