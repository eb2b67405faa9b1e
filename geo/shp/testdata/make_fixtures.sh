#!/bin/sh
# Rebuilds the zipped Shapefiles and the reference vertices from the GeoJSON
# sources beside this script, with GDAL's ogr2ogr and PROJ's cs2cs (Debian
# gdal-bin and proj-bin). The tests read the committed outputs and need
# neither. Run from this directory: sh make_fixtures.sh
set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Community polygons (one with a hole, one multipart) in EPSG:4548 with GBK
# attributes and field names; GDAL writes a .cpg saying GBK.
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=GBK -nln communities "$tmp/communities" communities.geojson
# Road centre lines with Z (PolyLineZ), EPSG:4548, GBK.
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=GBK -nln roads "$tmp/roads" roads.geojson
# Outlet points with M (PointM) and one null shape, EPSG:4490, UTF-8.
ogr2ogr -f "ESRI Shapefile" -a_srs EPSG:4490 -lco ENCODING=UTF-8 -dim XYM -nln outlets "$tmp/outlets" outlets.geojson

for l in communities roads outlets; do
  (cd "$tmp/$l" && touch -d 2024-01-01T00:00:00Z * && rm -f "$OLDPWD/$l.zip" && \
    python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for n in sys.argv[2:]:
        z.write(n)' "$OLDPWD/$l.zip" $(ls))
done

# WGS-84 (CGCS2000) truth for every vertex of the EPSG:4548 layers:
# x,y in, lon,lat out. cs2cs takes EPSG:4548 as northing,easting and gives
# EPSG:4490 as lat,lon.
for l in communities roads; do
  echo "x,y,lon,lat" > "${l}_wgs84.csv"
  python3 -c 'import json, sys
def walk(c):
    if isinstance(c[0], (int, float)):
        print(repr(c[0]), repr(c[1]))
    else:
        for x in c: walk(x)
for f in json.load(open(sys.argv[1]))["features"]:
    walk(f["geometry"]["coordinates"])' "$l.geojson" | sort -u | while read -r x y; do
    echo "$y $x" | cs2cs -f %.10f EPSG:4548 EPSG:4490 | awk -v x="$x" -v y="$y" '{print x "," y "," $2 "," $1}'
  done >> "${l}_wgs84.csv"
done
