package postgres

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/quarterhour/quarterhour"
)

// Pool settings that make requests fail fast while the database is down
// rather than wait for it: a connection attempt gives up after
// defaultConnectTimeout (unless the URL sets connect_timeout), and idle
// connections are checked every healthCheckPeriod, so the pool forgets
// the dead ones of an outage soon after it ends.
const (
	defaultConnectTimeout = time.Second
	healthCheckPeriod     = 2 * time.Second
)

// poolConfig parses url and applies the fail-fast settings.
func poolConfig(url string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	if cfg.ConnConfig.ConnectTimeout <= 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	if !strings.Contains(url, "pool_health_check_period") {
		cfg.HealthCheckPeriod = healthCheckPeriod
	}
	return cfg, nil
}

// Unreachable reports whether err means the database could not be reached
// (refused or lost connection, server shutting down or starting up, too
// many connections) and, if so, why in a few words that name no host,
// user or database. The API answers such errors 503.
func (s *Store) Unreachable(err error) (reason string, ok bool) {
	return unreachable(err)
}

func unreachable(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case strings.HasPrefix(pg.Code, "08"), // connection exception
			pg.Code == "57P01", // admin_shutdown
			pg.Code == "57P02", // crash_shutdown
			pg.Code == "57P03", // cannot_connect_now
			pg.Code == "53300": // too_many_connections
			return pg.Message, true
		}
		return "", false
	}
	var op *net.OpError
	switch {
	case errors.As(err, &op):
		if op.Err != nil {
			return op.Op + ": " + op.Err.Error(), true
		}
		return op.Op + " failed", true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection lost", true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, pgconn.ErrConnClosed):
		return "connection closed by the server", true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return "cannot connect", true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		if ne.Timeout() {
			return "timed out", true
		}
		return "network error", true
	}
	if errors.Is(err, quarterhour.ErrUnavailable) {
		return "unavailable", true
	}
	return "", false
}

// markUnreachable wraps err in quarterhour.ErrUnavailable when it means the
// database could not be reached, keeping the original in the chain.
func markUnreachable(err error) error {
	if errors.Is(err, quarterhour.ErrUnavailable) {
		return err
	}
	if _, ok := unreachable(err); ok {
		return fmt.Errorf("%w: %w", quarterhour.ErrUnavailable, err)
	}
	return err
}
