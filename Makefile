# The two commands a newcomer needs:
#   make run   - the platform with the Jining demo on the embedded SQLite store (http://127.0.0.1:8080)
#   make test  - every test: Go (SQLite and PostgreSQL + PostGIS), frontend unit tests, browser tests
GO    ?= go
ADDR  ?= 127.0.0.1:8080
DB    ?= sqlite:./data/quarterhour.db

.PHONY: run test test-go test-frontend frontend build bench

run: frontend
	$(GO) run ./cmd/quarterhour serve --demo --addr $(ADDR) --db $(DB)

build: frontend
	$(GO) build -o bin/quarterhour ./cmd/quarterhour

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend: frontend/node_modules/.installed
	cd frontend && npm run build

test: frontend
	bash .ci/browserenv.sh
	QUARTERHOUR_TEST_PG="$$(bash .ci/testenv.sh)" $(GO) test ./...
	cd frontend && npm test && npm run e2e

bench:
	bash bench/pgrouting.sh
