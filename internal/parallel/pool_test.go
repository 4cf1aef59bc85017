package parallel

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

func TestPoolRecoversPanics(t *testing.T) {
	pool := NewPool(2)
	defer pool.Close()
	defer func() {
		if r := recover(); r == nil || fmt.Sprint(r) != "boom" {
			t.Fatalf("recovered %v, want boom", r)
		}
	}()
	pool.For(4, func(lo, hi int) {
		if lo > 0 {
			panic("boom")
		}
	})
}

// TestPoolNestedAndConcurrent: For inside a chunk of For, from several
// goroutines at once, neither deadlocks nor loses a chunk.
func TestPoolNestedAndConcurrent(t *testing.T) {
	pool := NewPool(2)
	defer pool.Close()
	var wg sync.WaitGroup
	var total atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				pool.For(3, func(lo, hi int) {
					pool.For(4, func(lo2, hi2 int) { total.Add(int64(hi2 - lo2)) })
				})
			}
		}()
	}
	wg.Wait()
	if got := total.Load(); got != 4*50*2*4 { // two outer chunks of four items each
		t.Fatalf("%d inner items done", got)
	}
}
