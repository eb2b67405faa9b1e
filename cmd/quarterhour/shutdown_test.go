package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// A shutdown in the middle of evaluation writes drains them: every
// evaluation in the database has a status its audit trail agrees with (one
// event per version, each starting where the last ended, the last ending at
// the status), and every write answered 2xx is there.
func TestServe_ShutdownLeavesNoHalfWrittenEvaluation(t *testing.T) {
	db := freshDatabase(t, testPG(t), "qh_shutdown_")
	s := startServe(t, db, "--demo")
	c := newClient(s.base)
	c.login(t, "demo-admin")

	var raw json.RawMessage
	c.must(t, http.MethodGet, "/api/v1/circles?limit=200", nil, http.StatusOK, &raw)
	var fc struct {
		Features []struct {
			ID int64 `json:"id"`
		} `json:"features"`
	}
	_ = json.Unmarshal(raw, &fc)
	if len(fc.Features) == 0 {
		t.Fatalf("no circles in the demo: %.300s", raw)
	}

	type answer struct {
		id, version int64
		submitted   bool
	}
	var (
		mu       sync.Mutex
		answered []answer
		wg       sync.WaitGroup
		// firstRefusal logs one refused create, to tell a shutdown from a
		// broken request.
		firstRefusal sync.Once
		// created closes at the first evaluation answered 201: the
		// shutdown then catches the others in flight.
		created      = make(chan struct{})
		firstCreated sync.Once
	)
	submitted := map[string]any{"satisfaction_rate": 0.92, "survey_sample_size": 150, "management_system": true, "complaint_channel": true}
	for _, circle := range fc.Features {
		for year := 2023; year <= 2025; year++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := context.Background()
				var e struct {
					ID      int64 `json:"id"`
					Version int64 `json:"version"`
				}
				st, body, err := c.call(ctx, http.MethodPost, "/api/v1/evaluations",
					map[string]any{"circle_id": circle.ID, "scheme": "jining-2023", "year": year, "submitted": submitted}, &e)
				if err != nil || st != http.StatusCreated {
					firstRefusal.Do(func() { t.Logf("first refused create: %d %.200s %v", st, body, err) })
					return
				}
				mu.Lock()
				answered = append(answered, answer{id: e.ID, version: e.Version})
				mu.Unlock()
				firstCreated.Do(func() { close(created) })
				st, _, err = c.call(ctx, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/submit", e.ID),
					map[string]any{"version": e.Version, "comment": "停机时提交"}, &e)
				if err != nil || st/100 != 2 {
					return
				}
				mu.Lock()
				answered = append(answered, answer{id: e.ID, version: e.Version, submitted: true})
				mu.Unlock()
			}()
		}
	}
	select {
	case <-created:
	case <-time.After(20 * time.Second):
		t.Fatal("no evaluation created within 20 s")
	}
	if err := s.shutdown(t); err != nil {
		t.Fatalf("serve: %v", err)
	}
	wg.Wait()

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	type evaluation struct {
		status  string
		version int64
		events  [][2]string
	}
	stored := map[int64]*evaluation{}
	rows, _ := conn.Query(ctx, `SELECT id, status, version FROM evaluations`)
	for rows.Next() {
		var id int64
		e := &evaluation{}
		if err := rows.Scan(&id, &e.status, &e.version); err != nil {
			t.Fatal(err)
		}
		stored[id] = e
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	rows, _ = conn.Query(ctx, `SELECT evaluation_id, from_status, to_status FROM evaluation_events ORDER BY id`)
	for rows.Next() {
		var id int64
		var from, to string
		if err := rows.Scan(&id, &from, &to); err != nil {
			t.Fatal(err)
		}
		e, ok := stored[id]
		if !ok {
			t.Fatalf("event of evaluation %d, which is not stored", id)
		}
		e.events = append(e.events, [2]string{from, to})
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	nSubmitted := 0
	for id, e := range stored {
		if int64(len(e.events)) != e.version {
			t.Errorf("evaluation %d at version %d has %d events: %v", id, e.version, len(e.events), e.events)
		}
		prev := ""
		for _, ev := range e.events {
			if ev[0] != prev {
				t.Errorf("evaluation %d: event %v does not start where the last ended (%q)", id, ev, prev)
			}
			prev = ev[1]
		}
		if prev != e.status {
			t.Errorf("evaluation %d is %s but its last event ends at %q", id, e.status, prev)
		}
		if e.status == "submitted" {
			nSubmitted++
		}
	}
	okCreated, okSubmitted := 0, 0
	for _, a := range answered {
		e, ok := stored[a.id]
		switch {
		case !ok:
			t.Errorf("evaluation %d was answered 2xx but is not stored", a.id)
		case e.version < a.version:
			t.Errorf("evaluation %d was answered at version %d but is stored at %d", a.id, a.version, e.version)
		case a.submitted && e.status != "submitted":
			t.Errorf("evaluation %d was answered submitted but is %s", a.id, e.status)
		}
		if a.submitted {
			okSubmitted++
		} else {
			okCreated++
		}
	}
	t.Logf("%d concurrent evaluation flows; before the shutdown refused the rest: %d created and %d submitted with a 2xx; %d evaluations stored (%d submitted), all consistent with their events",
		3*len(fc.Features), okCreated, okSubmitted, len(stored), nSubmitted)
	if len(stored) == 0 {
		t.Error("nothing was written before the shutdown; the test proves nothing")
	}
}
