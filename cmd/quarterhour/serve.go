package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/quarterhour/quarterhour/api"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/frontend"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/open"
)

// shutdownTimeout bounds how long in-flight requests may finish on exit.
const shutdownTimeout = 15 * time.Second

func runServe(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("serve", e)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	db := dbFlag(fs, e)
	demo := fs.Bool("demo", false, "load the synthetic Jining demo into an empty database and create the demo users")
	secure := fs.Bool("secure-cookie", false, "mark the session cookie Secure (when served over HTTPS)")
	ceiling := fs.Int64("award-ceiling-yuan", seeds.AwardCeilingYuan, "the city's policy ceiling on one circle's award; schemes promising more are refused")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log := e.log
	st, err := open.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	schema, err := st.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	log.Info("store open", "store", st.Kind(), "schema_version", schema)
	seeded, err := seedStore(ctx, st, *demo, log)
	if err != nil {
		return err
	}
	if *demo {
		if err := demoUsersIfDemo(ctx, st, log); err != nil {
			return err
		}
	}
	a, err := app.New(app.Config{Store: st, Logger: log, AwardCeilingYuan: *ceiling})
	if err != nil {
		return err
	}
	eng := a.Access()
	if err := eng.Reload(ctx); err != nil {
		log.Error("walking engine not loaded; access routes answer 503 until POST /api/v1/admin/reload succeeds", "err", err)
	}
	if seeded && *demo {
		if err := seedDemoEvaluations(ctx, a, log); err != nil {
			return err
		}
	}
	if n, ok := st.(store.Notifier); ok {
		// Replicas on one database learn of each other's writes.
		fctx, stop := context.WithCancel(ctx)
		followed := make(chan error, 1)
		go func() { followed <- eng.Follow(fctx, n) }()
		defer func() {
			stop()
			if err := <-followed; err != nil {
				log.Error("following store changes", "err", err)
			}
		}()
		log.Info("following changes made by other servers on this database")
	}
	handler, err := api.New(api.Config{Store: st, Logger: log, SecureCookie: *secure, Frontend: frontend.Handler(), App: a})
	if err != nil {
		return err
	}
	srv := handler.HTTPServer(*addr, context.WithoutCancel(ctx))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	log.Info("serving", "url", "http://"+ln.Addr().String(), "demo", *demo)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// demoUsersIfDemo creates the demo users only on a database seeded with the
// demo (it holds outlets from the demo generator); on a real city's database
// --demo must not open it to the well-known demo passwords, so it serves
// without them and says so.
func demoUsersIfDemo(ctx context.Context, st store.Store, log *slog.Logger) error {
	n, err := st.CountOutlets(ctx, store.OutletFilter{Source: seeds.DemoSource})
	if err != nil {
		return fmt.Errorf("check for demo data: %w", err)
	}
	if n == 0 {
		log.Warn("--demo ignored: this database was not seeded with the demo, so no demo users are created; serving without them")
		return nil
	}
	return ensureDemoUsers(ctx, st, log)
}
