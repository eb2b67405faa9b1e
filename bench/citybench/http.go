package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/quarterhour/quarterhour/bench/internal/nodecmp"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// client talks to a running quarterhour server over keep-alive
// connections.
type client struct {
	base  string
	hc    *http.Client
	token string
}

func newClient(base string, conns int) *client {
	return &client{base: strings.TrimRight(base, "/"), hc: &http.Client{Timeout: 120 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}}}
}

// do sends a request and reads the whole body; the error names the request
// when the status is not want.
func (c *client) do(ctx context.Context, method, path string, body any, want int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s: %s: %.300s", method, path, resp.Status, data)
	}
	return data, nil
}

func (c *client) login(ctx context.Context, user, password string) error {
	data, err := c.do(ctx, http.MethodPost, "/api/v1/auth/login", map[string]string{"username": user, "password": password}, http.StatusOK)
	if err != nil {
		return err
	}
	var r struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(data, &r); err != nil || r.Token == "" {
		return fmt.Errorf("login: no token in %.200s", data)
	}
	c.token = r.Token
	return nil
}

// openingZoom is the zoom at which the map opens on b: MapLibre's fitBounds
// (512-pixel tiles at zoom 0) of b with 30 pixels of padding in a viewport
// of w x h pixels, as the planner opens on the communities; the tiles
// drawn are those of its integer part.
func openingZoom(b orb.Bound, w, h float64) (fit float64, tileZoom maptile.Zoom) {
	mx := func(lon float64) float64 { return (lon + 180) / 360 }
	my := func(lat float64) float64 {
		s := math.Sin(lat * math.Pi / 180)
		return 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
	}
	dx := mx(b.Max.Lon()) - mx(b.Min.Lon())
	dy := my(b.Min.Lat()) - my(b.Max.Lat())
	fit = math.Min(math.Log2((w-60)/(512*dx)), math.Log2((h-60)/(512*dy)))
	return fit, maptile.Zoom(math.Floor(fit))
}

// gapResult is the cold gap layer of one category over the whole city.
type gapResult struct {
	zoom      maptile.Zoom
	fit       float64
	tiles     int
	empty     int
	bytes     int
	tileJSON  float64 // ms
	wallMS    float64
	slowestMS float64
}

// measureGaps asks for the category's TileJSON and then every gap tile
// covering b at the opening zoom, two at a time, as a map opening on the
// city does; the first request for the category since the server started,
// so its gap grid is built on the way.
func measureGaps(ctx context.Context, c *client, category string, b orb.Bound, log *logger) (*gapResult, error) {
	r := &gapResult{}
	r.fit, r.zoom = openingZoom(b, 1280, 800)
	start := time.Now()
	doc, err := c.do(ctx, http.MethodGet, "/tiles/access.json?category="+url.QueryEscape(category), nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	r.tileJSON = nodecmp.MS(time.Since(start))
	var tj struct {
		Tiles []string `json:"tiles"`
	}
	if err := json.Unmarshal(doc, &tj); err != nil || len(tj.Tiles) != 1 {
		return nil, fmt.Errorf("gap TileJSON: want one tile URL, got %.200s", doc)
	}
	tmpl, err := url.Parse(tj.Tiles[0])
	if err != nil {
		return nil, err
	}
	lo := maptile.At(orb.Point{b.Min.Lon(), b.Max.Lat()}, r.zoom)
	hi := maptile.At(orb.Point{b.Max.Lon(), b.Min.Lat()}, r.zoom)
	var tiles []maptile.Tile
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			tiles = append(tiles, maptile.New(x, y, r.zoom))
		}
	}
	var mu sync.Mutex
	var firstErr error
	next := make(chan maptile.Tile, len(tiles))
	for _, t := range tiles {
		next <- t
	}
	close(next)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for t := range next {
				p := strings.NewReplacer("{z}", strconv.Itoa(int(t.Z)), "{x}", strconv.Itoa(int(t.X)), "{y}", strconv.Itoa(int(t.Y))).Replace(tmpl.Path)
				ts := time.Now()
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+p+"?"+tmpl.RawQuery, nil)
				if err == nil {
					req.Header.Set("Accept-Encoding", "gzip")
					var resp *http.Response
					if resp, err = c.hc.Do(req); err == nil {
						var n int64
						n, err = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						mu.Lock()
						switch resp.StatusCode {
						case http.StatusOK:
							r.bytes += int(n)
						case http.StatusNoContent:
							r.empty++
						default:
							err = fmt.Errorf("gap tile %d/%d/%d: %s", t.Z, t.X, t.Y, resp.Status)
						}
						r.tiles++
						r.slowestMS = math.Max(r.slowestMS, nodecmp.MS(time.Since(ts)))
						mu.Unlock()
					}
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	r.wallMS = nodecmp.MS(time.Since(start))
	if firstErr != nil {
		return nil, firstErr
	}
	log.printf("gap layer of %s, cold: opening zoom %.2f (1280x800, padding 30) -> %d tiles at z%d (%d empty, %d bytes gzipped): TileJSON (grid built) %.0f ms, all tiles %.0f ms wall (slowest tile %.0f ms)",
		category, r.fit, r.tiles, r.zoom, r.empty, r.bytes, r.tileJSON, r.wallMS, r.slowestMS)
	return r, nil
}

// cellWalk asks GET /api/v1/access for the res-10 cell centred at p and
// returns its walk to category; +Inf when it is not reached.
func cellWalk(ctx context.Context, c *client, category string, p orb.Point) (float64, error) {
	const d = 0.00002 // about 2 m: the box holds p's cell's centre only
	q := url.Values{}
	q.Set("category", category)
	q.Set("bbox", fmt.Sprintf("%.7f,%.7f,%.7f,%.7f", p.Lon()-d, p.Lat()-d, p.Lon()+d, p.Lat()+d))
	data, err := c.do(ctx, http.MethodGet, "/api/v1/access?"+q.Encode(), nil, http.StatusOK)
	if err != nil {
		return 0, err
	}
	var fc struct {
		Features []struct {
			Properties struct {
				WalkM *float64 `json:"walk_m"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return 0, fmt.Errorf("access: %w", err)
	}
	if len(fc.Features) != 1 {
		return 0, fmt.Errorf("access around %.7f,%.7f: %d cells, want 1", p.Lon(), p.Lat(), len(fc.Features))
	}
	if w := fc.Features[0].Properties.WalkM; w != nil {
		return *w, nil
	}
	return math.Inf(1), nil
}

// measureOutletUpdates adds an outlet of category through the API at the
// first k spots whose cell GET /api/v1/access (an answer from the
// category's surface) shows over farM from category, and times, from
// sending the POST, until the same query shows the walk to the new outlet:
// the spot's snap leg there and back. The outlets are deleted again
// afterwards.
func measureOutletUpdates(ctx context.Context, c *client, category string, spots []spot, k int, farM float64, log *logger) ([]float64, error) {
	var times []float64
	type made struct {
		id      int64
		version int
	}
	var created []made
	defer func() {
		for _, m := range created {
			if _, err := c.do(context.WithoutCancel(ctx), http.MethodDelete, fmt.Sprintf("/api/v1/outlets/%d?version=%d", m.id, m.version), nil, http.StatusNoContent); err != nil {
				log.printf("  could not delete outlet %d again: %v", m.id, err)
			}
		}
	}()
	for i, s := range spots {
		if len(times) == k {
			break
		}
		p := s.p
		before, err := cellWalk(ctx, c, category, p)
		if err != nil {
			return nil, err
		}
		if before <= farM {
			continue
		}
		feature := map[string]any{
			"type":     "Feature",
			"geometry": map[string]any{"type": "Point", "coordinates": []float64{p.Lon(), p.Lat()}},
			"properties": map[string]any{"name": fmt.Sprintf("citybench %s %d", category, i+1), "category": category,
				"status": "open", "accepts_cash": true},
		}
		start := time.Now()
		data, err := c.do(ctx, http.MethodPost, "/api/v1/outlets", feature, http.StatusCreated)
		if err != nil {
			return nil, err
		}
		postMS := nodecmp.MS(time.Since(start))
		var out struct {
			ID         int64 `json:"id"`
			Properties struct {
				Version int `json:"version"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(data, &out); err != nil || out.ID == 0 {
			return nil, fmt.Errorf("outlet update: created outlet has no id: %.200s", data)
		}
		created = append(created, made{out.ID, out.Properties.Version})
		want := 2*s.legM + 1
		polls := 0
		var after float64
		for {
			polls++
			if after, err = cellWalk(ctx, c, category, p); err != nil {
				return nil, err
			}
			if after <= want {
				break
			}
			if time.Since(start) > 30*time.Second {
				return nil, fmt.Errorf("outlet update: outlet %d at %.7f,%.7f not counted after 30 s (cell walk %s, want %.1f m)",
					out.ID, p.Lon(), p.Lat(), fmtWalk(after), want)
			}
		}
		total := nodecmp.MS(time.Since(start))
		times = append(times, total)
		log.printf("  outlet %d at %.6f,%.6f: POST %.0f ms, counted after %.0f ms (%d polls; cell walk to %s before %s, after %.1f m)",
			out.ID, p.Lon(), p.Lat(), postMS, total, polls, category, fmtWalk(before), after)
		// Let the server's own change notice (Follow) settle before the
		// next addition.
		time.Sleep(time.Second)
	}
	if len(times) < k {
		return nil, fmt.Errorf("outlet update: only %d of %d spots tried lie over %.0f m from any %s", len(times), len(spots), farM, category)
	}
	return times, nil
}

func fmtWalk(m float64) string {
	if math.IsInf(m, 1) {
		return "unreached"
	}
	return fmt.Sprintf("%.0f m", m)
}
