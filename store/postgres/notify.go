package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/quarterhour/quarterhour/store"
)

// ChangesChannel is the channel on which the statement triggers of
// migration 00006 announce a committed write, with the table name as the
// payload.
const ChangesChannel = "quarterhour_changes"

// Reconnect backoff of Listen.
const (
	listenBackoffMin = 200 * time.Millisecond
	listenBackoffMax = 30 * time.Second
)

var _ store.Notifier = (*Store)(nil)

// Listen calls fn with the table named by each notice on ChangesChannel
// until ctx ends; see store.Notifier. It holds one connection of its own,
// taken out of the pool, and reconnects with exponential backoff when the
// connection is lost, calling fn("") once listening again.
func (s *Store) Listen(ctx context.Context, fn func(table string)) error {
	backoff := listenBackoffMin
	for attempt := 0; ; attempt++ {
		listening, err := s.listenOnce(ctx, fn, attempt > 0)
		if ctx.Err() != nil {
			return nil
		}
		if listening {
			backoff = listenBackoffMin
		}
		slog.Default().WarnContext(ctx, "postgres: change notices interrupted; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, listenBackoffMax)
	}
}

// listenOnce listens on a fresh connection until it fails; listening
// reports whether LISTEN took effect.
func (s *Store) listenOnce(ctx context.Context, fn func(string), reconnect bool) (listening bool, err error) {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("postgres: listen: connect: %w", err)
	}
	// A connection in LISTEN mode must not go back to the pool.
	conn := c.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+ChangesChannel); err != nil {
		return false, fmt.Errorf("postgres: listen: %w", err)
	}
	if reconnect {
		fn("")
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, fmt.Errorf("postgres: wait for notice: %w", err)
		}
		fn(n.Payload)
	}
}
