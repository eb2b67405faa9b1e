package geo

// heapItem and nodeHeap form the priority queue of every shortest-path
// search in geo: a 4-ary min-heap keyed on distance, shallower than a binary
// heap for the same pushes. Stale entries are skipped when popped instead of
// being decreased in place.
type heapItem struct {
	d float64
	v int32
}

type nodeHeap []heapItem

func (h *nodeHeap) push(it heapItem) {
	a := append(*h, it)
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if a[p].d <= it.d {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = it
	*h = a
}

func (h *nodeHeap) pop() heapItem {
	a := *h
	top := a[0]
	n := len(a) - 1
	last := a[n]
	a = a[:n]
	*h = a
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		var m int
		var md float64
		if c+4 <= n { // all four children, compared without bounds checks
			ch := a[c : c+4 : c+4]
			m, md = 0, ch[0].d
			if d := ch[1].d; d < md {
				m, md = 1, d
			}
			if d := ch[2].d; d < md {
				m, md = 2, d
			}
			if d := ch[3].d; d < md {
				m, md = 3, d
			}
			m += c
		} else {
			if c >= n {
				break
			}
			m, md = c, a[c].d
			for k := c + 1; k < n; k++ {
				if a[k].d < md {
					m, md = k, a[k].d
				}
			}
		}
		if last.d <= md {
			break
		}
		a[i] = a[m]
		i = m
	}
	a[i] = last
	return top
}
