// Package geo holds the pure geometry and routing of QuarterHour: coordinate
// systems, H3 helpers, the walking network, snapping, isochrones,
// accessibility surfaces and coverage. It does no I/O and imports nothing of
// the rest of the project.
package geo
