#!/bin/sh
# Regenerates tm_vectors.csv with PROJ's cs2cs (Debian proj-bin); the tests
# read the committed file and need no PROJ. Run from this directory:
#   sh gen_vectors.sh > tm_vectors.csv
# Columns: epsg, lon, lat (degrees, CGCS2000 or WGS 84), x, y (metres,
# easting then northing), dir ("fwd": x,y computed from lon,lat; "inv":
# lon,lat computed from x,y).
# cs2cs takes EPSG:4490/4326 as lat,lon and EPSG:4491-4554 as
# northing,easting (their EPSG axis order); UTM is easting,northing.
set -e
echo "# cs2cs $(cs2cs 2>&1 | head -1)"
echo "epsg,lon,lat,x,y,dir"
fwd() { # code geog cm swap
  for dl in -3.5 -1.5 -0.4 0 0.7 1.5 3.5; do
    for lat in 18.2 25.0 35.41 45.7 53.5; do
      lon=$(echo "$3 + $dl + 0.0123456789" | bc -l)
      out=$(echo "$lat $lon" | cs2cs -f %.10f "$2" "EPSG:$1" | awk '{print $1, $2}')
      a=${out% *}; b=${out#* }
      if [ "$4" = swap ]; then echo "$1,$lon,$lat,$b,$a,fwd"; else echo "$1,$lon,$lat,$a,$b,fwd"; fi
    done
  done
}
inv() { # code geog fe swap
  for dx in -150000 -50000 0.5 62345.678 151000; do
    for y in 2001234.5 3919876.543 4500000 5980000.25; do
      x=$(echo "$3 + $dx" | bc -l)
      if [ "$4" = swap ]; then in="$y $x"; else in="$x $y"; fi
      out=$(echo "$in" | cs2cs -f %.10f "EPSG:$1" "$2" | awk '{print $1, $2}')
      lat=${out% *}; lon=${out#* }
      echo "$1,$lon,$lat,$x,$y,inv"
    done
  done
}
fwd 4548 EPSG:4490 117 swap
fwd 4527 EPSG:4490 117 swap
fwd 4534 EPSG:4490 75 swap
fwd 4554 EPSG:4490 135 swap
fwd 4509 EPSG:4490 117 swap
fwd 4497 EPSG:4490 111 swap
fwd 32650 EPSG:4326 117 noswap
inv 4548 EPSG:4490 500000 swap
inv 4527 EPSG:4490 39500000 swap
inv 4543 EPSG:4490 500000 swap
inv 4509 EPSG:4490 500000 swap
inv 32650 EPSG:4326 500000 noswap
