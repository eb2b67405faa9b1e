package app_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
)

// rejectionFields are the fields a rejection may name: the register's
// columns, the row as a whole, its coordinates and its declared CRS.
var rejectionFields = map[string]bool{
	"name": true, "category": true, "lon": true, "lat": true, "address": true, "brand": true,
	"is_chain": true, "floor_area_m2": true, "accepts_cash": true, "accepts_card": true, "opening_hours": true, "services": true,
	"ref": true, "amap_typecode": true, "amap_type": true, "location": true, "geometry": true, "district": true,
	"row": true, "coordinates": true, "crs": true, "status": true, "source": true,
}

func FuzzImportOutletsCSV(f *testing.F) {
	register, err := os.ReadFile(registerCSV)
	if err != nil {
		f.Fatal(err)
	}
	for _, body := range []string{
		string(register),
		"\xef\xbb\xbfname,category,lon,lat\n便利店,convenience_store,116.593,35.421\n",
		"编号,名称,类别,经度,纬度,现金,服务,高德类型\n" +
			"B-2,好的便利店,便利店,116.593,35.421,,,\n" +
			"B-3,经纬颠倒,便利店,35.415117,116.587116,,,\n" +
			"B-4,太空港,spaceport,116.593,35.422,,,\n" +
			"B-2,重复编号,药店,116.593,35.423,,,\n" +
			"B-6,,药店,116.593,35.424,,,\n" +
			"B-7,北京的店,便利店,116.397128,39.916527,,,\n" +
			"B-8,现金不明,便利店,116.593,35.425,也许,,\n" +
			"B-9,服务不明,便利店,116.593,35.426,,算命,\n" +
			"B-10,类型不明,,116.593,35.427,,,999999\n" +
			"B-11,经度坏,便利店,东经116度,35.4,,,\n" +
			"B-12,多一列,便利店,116.593,35.428,,,,额外\n" +
			"B-13,经度超界,便利店,216.5,35.4,,,\n",
		"名称,类别,经度,纬度,地址,营业面积(㎡)\n第二行,便利店,116.59,35.42,\"两行\n地址\",1,200\n\n第四行,便利店,NaN,35.42,,\n",
		"名称,经度,纬度,区县\n无类别,116.59,35.42,370811\n",
		"名称,类别,经度,纬度,区县\n别区,便利店,116.59,35.42,370812\n",
		"name,name,lon,lat,category\n",
		"\"unterminated,quote\n",
		"",
		"\n\n\n",
	} {
		f.Add([]byte(body), uint8(1), false)
	}
	f.Add(register, uint8(0), true)
	f.Add(register, uint8(2), false)

	crss := []geo.CRS{geo.WGS84, geo.GCJ02, geo.BD09}
	f.Fuzz(func(t *testing.T, body []byte, crs uint8, asDistrict bool) {
		fx := registerFixture(t)
		req := app.RegisterImport{CRS: crsOf(crss[int(crs)%len(crss)]), Source: "csv", File: "fuzz.csv", DryRun: true}
		u := importAdmin
		if asDistrict {
			u = importRencheng
		}
		rep, err := fx.a.ImportOutlets(context.Background(), u, bytes.NewReader(body), req)
		if err != nil {
			var e *quarterhour.Error
			if !errors.As(err, &e) || e.Field == "" ||
				e.Code != quarterhour.EInvalid && e.Code != quarterhour.EUnsupportedMedia && e.Code != quarterhour.ETooLarge {
				t.Fatalf("a bad file must be an invalid, unsupported or too large input error naming a field, got %v", err)
			}
			return
		}
		if rep.ImportID != 0 || !rep.DryRun {
			t.Fatalf("a dry run reported import %d, dry_run %v", rep.ImportID, rep.DryRun)
		}
		if rep.RowsRejected != len(rep.Rejections) {
			t.Fatalf("rows rejected %d, but %d rejections", rep.RowsRejected, len(rep.Rejections))
		}
		if rep.Inserted+rep.Updated+rep.Unchanged != rep.RowsOK {
			t.Fatalf("%d rows ok, but %d inserted, %d updated, %d unchanged", rep.RowsOK, rep.Inserted, rep.Updated, rep.Unchanged)
		}
		lines := bytes.Count(body, []byte("\n")) + 1
		last := 1
		for _, r := range rep.Rejections {
			if r.Row <= last || r.Row > lines {
				t.Fatalf("rejection %+v: row is not after row %d and within the file's %d lines", r, last, lines)
			}
			last = r.Row
			if !rejectionFields[r.Field] {
				t.Fatalf("rejection %+v does not name a field of the register", r)
			}
			if r.Reason == "" {
				t.Fatalf("rejection %+v gives no reason", r)
			}
		}
	})
}
