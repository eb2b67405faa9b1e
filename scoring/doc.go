// Package scoring evaluates 15-minute convenient living circles against an
// indicator scheme.
//
// A scheme (scheme.go) is data: walking profile, indicators with their rules,
// tiers with their gates and the award rule, loaded from YAML so a city can
// replace the reconstructed default with its official table without code
// changes. Evaluate (evaluate.go) turns computed metrics (metrics.go) and the
// values a district submits (submitted.go) into per-indicator points with
// explanations, a total, a tier and award eligibility. The workflow rules of
// an evaluation live in workflow.go.
//
// The package does no I/O; of this project it imports only geo, for the
// walking budget.
package scoring
