#!/bin/sh
# Rebuilds porto_lines.geojson.gz from porto.osm.pbf with GDAL's OSM driver
# (ogr2ogr, Debian gdal-bin): the "lines" layer's highway ways as GeoJSON,
# keeping osm_id, highway and, of GDAL's other_tags, only the tags the
# walkable rules read (foot, access, sidewalk*, area). The tests read the
# committed file and need no GDAL. Run from this directory:
#   sh make_porto_lines.sh
set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ogr2ogr -f GeoJSON -select osm_id,highway,other_tags -where "highway IS NOT NULL" \
  -lco COORDINATE_PRECISION=7 -lco WRITE_NAME=NO "$tmp/lines.geojson" porto.osm.pbf lines
python3 - "$tmp/lines.geojson" "$tmp/porto_lines.geojson" <<'PY'
import json, re, sys
fc = json.load(open(sys.argv[1]))
keep = re.compile(r'^(foot|access|area|sidewalk(:.*)?)$')
pair = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
for f in fc["features"]:
    p = f["properties"]
    tags = [(k, v) for k, v in pair.findall(p.get("other_tags") or "") if keep.match(k)]
    p["other_tags"] = ",".join('"%s"=>"%s"' % kv for kv in tags) or None
with open(sys.argv[2], "w") as out:
    json.dump(fc, out, ensure_ascii=False, separators=(",", ":"))
    out.write("\n")
PY
gzip -9 -n -c "$tmp/porto_lines.geojson" > porto_lines.geojson.gz
