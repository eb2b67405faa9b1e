// Package migrations embeds the numbered SQL migrations of each store; they
// are applied with goose on start.
package migrations

import "embed"

// SQLite holds migrations/sqlite/*.sql.
//
//go:embed sqlite/*.sql
var SQLite embed.FS

// Postgres holds migrations/postgres/*.sql.
//
//go:embed postgres/*.sql
var Postgres embed.FS
