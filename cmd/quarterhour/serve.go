package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
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
	cookie := fs.String("cookie-secure", "auto", "mark the session cookie Secure: auto (unless listening on loopback), always, never")
	proxies := fs.String("trusted-proxy", "", "comma-separated addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For is honoured")
	ceiling := fs.Int64("award-ceiling-yuan", seeds.AwardCeilingYuan, "the city's policy ceiling on one circle's award; schemes promising more are refused")
	basemap := fs.String("basemap", e.getenv("QUARTERHOUR_BASEMAP"), "base map: none | tianditu:TOKEN | xyz:URL-TEMPLATE | pmtiles:/path/file.pmtiles (env QUARTERHOUR_BASEMAP; none works offline)")
	basemapCredit := fs.String("basemap-attribution", e.getenv("QUARTERHOUR_BASEMAP_ATTRIBUTION"), "credit shown for the base map, in place of the default (env QUARTERHOUR_BASEMAP_ATTRIBUTION)")
	memLimit := fs.String("memory-limit", defaultMemoryLimit(e), "soft limit on the Go heap, e.g. 1200MiB or 2GiB, 0 for none; a reload holds two snapshots of the city for a moment, and the limit makes the collector return the old one's memory (env GOMEMLIMIT overrides the default)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	limit, err := parseBytes(*memLimit)
	if err != nil {
		fmt.Fprintf(e.stderr, "quarterhour serve: --memory-limit: %v\n", err)
		return errUsage
	}
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	bm, err := api.ParseBasemap(*basemap)
	if err != nil {
		return err
	}
	bm.Attribution = *basemapCredit
	log := e.log
	secure, err := secureCookie(*cookie, *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "quarterhour serve: %v\n", err)
		return errUsage
	}
	trusted, err := parsePrefixes(*proxies)
	if err != nil {
		fmt.Fprintf(e.stderr, "quarterhour serve: --trusted-proxy: %v\n", err)
		return errUsage
	}
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
		if err := ensureDemoUsers(ctx, st, log); err != nil {
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
	handler, err := api.New(api.Config{Store: st, Logger: log, SecureCookie: secure, TrustedProxies: trusted, Frontend: frontend.Handler(), App: a, Basemap: bm})
	if err != nil {
		return err
	}
	srv := handler.HTTPServer(*addr, context.WithoutCancel(ctx))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	log.Info("serving", "url", "http://"+ln.Addr().String(), "demo", *demo, "basemap", bm.Kind)
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

// defaultMemoryLimit is 1200MiB, which holds a million-edge city with
// every surface and gap grid and leaves room for a reload, unless the
// environment sets GOMEMLIMIT, which the runtime has applied already.
func defaultMemoryLimit(e *env) string {
	if e.getenv("GOMEMLIMIT") != "" {
		return "0"
	}
	return "1200MiB"
}

// parseBytes reads a size: a number with an optional unit B, KiB, MiB, GiB
// (or KB, MB, GB as powers of 1000); 0 means none.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mul    float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mul := 1.0
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mul = strings.TrimSpace(num), u.mul
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || v*mul > math.MaxInt64 {
		return 0, fmt.Errorf("%q is not a size such as 1200MiB or 2GiB", s)
	}
	return int64(v * mul), nil
}

// secureCookie decides the session cookie's Secure flag: always, never, or
// auto — Secure unless the server listens on loopback, where a browser on
// the same machine reaches it over plain HTTP.
func secureCookie(mode, addr string) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return true, nil
		}
		if host == "localhost" {
			return false, nil
		}
		ip, err := netip.ParseAddr(host)
		return err != nil || !ip.IsLoopback(), nil
	}
	return false, fmt.Errorf("--cookie-secure %q: want auto, always or never", mode)
}

// parsePrefixes reads comma-separated addresses or CIDR prefixes.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR prefix", f)
		}
		out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
	}
	return out, nil
}
