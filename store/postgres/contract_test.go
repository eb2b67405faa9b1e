package postgres

import (
	"testing"

	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/storetest"
)

// TestContract runs the shared store contract, each case on its own
// throw-away database.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openFresh(t) })
}
