package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// network is what origin picking needs from the walk tables.
type network struct {
	nodes   map[int64]orb.Point
	edges   int
	comp    []int64 // node IDs of the largest component, ascending
	largest int
}

// origin is a network node used as an isochrone origin.
type origin struct {
	ID    int64
	Point orb.Point
}

// pickArea returns area, or the only stored network when area is empty.
func pickArea(ctx context.Context, conn *pgx.Conn, area string) (string, error) {
	rows, _ := conn.Query(ctx, `SELECT area FROM networks ORDER BY area`)
	areas, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", fmt.Errorf("list networks: %w", err)
	}
	if area != "" {
		if !slices.Contains(areas, area) {
			return "", fmt.Errorf("no network %q in the database (have %v)", area, areas)
		}
		return area, nil
	}
	if len(areas) != 1 {
		return "", fmt.Errorf("the database holds %d networks %v: choose one with -area", len(areas), areas)
	}
	return areas[0], nil
}

// readNetwork reads nodes and edge ends of area and finds the largest
// connected component with a union-find over the edges.
func readNetwork(ctx context.Context, conn *pgx.Conn, area string) (*network, error) {
	n := &network{nodes: map[int64]orb.Point{}}
	rows, _ := conn.Query(ctx, `SELECT id, ST_X(geom), ST_Y(geom) FROM walk_nodes WHERE area = $1`, area)
	var id int64
	var x, y float64
	_, err := pgx.ForEachRow(rows, []any{&id, &x, &y}, func() error {
		n.nodes[id] = orb.Point{x, y}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read walk_nodes: %w", err)
	}
	parent := make(map[int64]int64, len(n.nodes))
	var find func(int64) int64
	find = func(v int64) int64 {
		p, ok := parent[v]
		if !ok || p == v {
			return v
		}
		r := find(p)
		parent[v] = r
		return r
	}
	rows, _ = conn.Query(ctx, `SELECT source, target FROM walk_edges WHERE area = $1`, area)
	var s, t int64
	_, err = pgx.ForEachRow(rows, []any{&s, &t}, func() error {
		n.edges++
		if rs, rt := find(s), find(t); rs != rt {
			parent[rs] = rt
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read walk_edges: %w", err)
	}
	if len(n.nodes) == 0 || n.edges == 0 {
		return nil, fmt.Errorf("network %q is empty", area)
	}
	size := map[int64]int{}
	for v := range n.nodes {
		size[find(v)]++
	}
	var root int64
	for r, k := range size {
		if k > n.largest || (k == n.largest && r < root) {
			root, n.largest = r, k
		}
	}
	for v := range n.nodes {
		if find(v) == root {
			n.comp = append(n.comp, v)
		}
	}
	slices.Sort(n.comp)
	return n, nil
}

// origins draws k distinct nodes of the largest component.
func (n *network) origins(k int, seed uint64) []origin {
	rng := rand.New(rand.NewPCG(seed, 0))
	ids := slices.Clone(n.comp)
	k = min(k, len(ids))
	out := make([]origin, k)
	for i := range out {
		j := i + rng.IntN(len(ids)-i)
		ids[i], ids[j] = ids[j], ids[i]
		out[i] = origin{ID: ids[i], Point: n.nodes[ids[i]]}
	}
	return out
}
