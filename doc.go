// Package quarterhour holds the domain of the QuarterHour (一刻钟) platform:
// regions, categories, communities, outlets, walking networks, circles,
// evaluations and their workflow, users and imports, and the errors every
// layer shares. It imports nothing of the project, so every other package
// (store, app, api, seeds) speaks in these types and none of them owns them.
//
// All geometry is WGS-84 (EPSG:4326) longitude/latitude in orb types.
// District codes are 6-digit NBS county codes ("370811"); region codes are the
// 12-digit NBS codes ("370811002000").
package quarterhour
