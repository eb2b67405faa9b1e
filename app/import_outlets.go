package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/table"
	"github.com/quarterhour/quarterhour/store"
)

// ImportKindOutletsCSV is the Import.Kind of an outlet register import
// from CSV.
const ImportKindOutletsCSV = "outlets-" + string(FormatCSV)

// Fields of an outlet register.
const (
	fieldCategory  = "category"
	fieldLon       = "lon"
	fieldLat       = "lat"
	fieldAddress   = "address"
	fieldBrand     = "brand"
	fieldChain     = "is_chain"
	fieldFloorArea = "floor_area_m2"
	fieldCash      = "accepts_cash"
	fieldCard      = "accepts_card"
	fieldHours     = "opening_hours"
	fieldServices  = "services"
	fieldTypecode  = "amap_typecode"
	fieldAmapType  = "amap_type" // Amap's type text, "购物服务;便民商店/便利店;便利店"
	fieldLocation  = "location"  // "lng,lat" in one cell, as Amap exports it
	// fieldContext marks columns that are known and deliberately unused
	// (an Amap export's province, city and county names).
	fieldContext = "-"
)

var outletFieldNames = fieldNames{
	"名称": fieldName, "name": fieldName, "网点名称": fieldName, "店名": fieldName,
	"类别": fieldCategory, "category": fieldCategory, "业态": fieldCategory, "分类": fieldCategory,
	"经度": fieldLon, "lon": fieldLon, "lng": fieldLon, "longitude": fieldLon, "x": fieldLon, "point_x": fieldLon,
	"纬度": fieldLat, "lat": fieldLat, "latitude": fieldLat, "y": fieldLat, "point_y": fieldLat,
	"location": fieldLocation, "经纬度": fieldLocation, "坐标": fieldLocation, "lnglat": fieldLocation, "lng_lat": fieldLocation,
	"地址": fieldAddress, "address": fieldAddress,
	"品牌": fieldBrand, "brand": fieldBrand,
	"连锁": fieldChain, "is_chain": fieldChain, "是否连锁": fieldChain,
	"营业面积": fieldFloorArea, "floor_area_m2": fieldFloorArea, "floor_area": fieldFloorArea,
	"现金": fieldCash, "accepts_cash": fieldCash, "收现金": fieldCash,
	"银行卡": fieldCard, "accepts_card": fieldCard, "刷卡": fieldCard,
	"营业时间": fieldHours, "opening_hours": fieldHours, "opening_ho": fieldHours,
	"服务": fieldServices, "services": fieldServices, "便民服务": fieldServices,
	"编号": fieldRef, "ref": fieldRef, "id": fieldRef, "source_ref": fieldRef,
	"高德类型": fieldTypecode, "amap_typecode": fieldTypecode, "typecode": fieldTypecode, "类型编码": fieldTypecode, "amap_typec": fieldTypecode,
	"type": fieldAmapType, "amap_type": fieldAmapType, "高德分类": fieldAmapType, "poi类型": fieldAmapType,
	"pname": fieldContext, "cityname": fieldContext, "adname": fieldContext, "pcode": fieldContext, "citycode": fieldContext, "adcode": fieldContext,
	"区县": fieldDistrict, "district": fieldDistrict, "区县代码": fieldDistrict,
}

// OutletRegisterFields lists, sorted, the column names an outlet register
// may use.
func OutletRegisterFields() []string { return outletFieldNames.aliases("") }

// serviceNames maps the plan's Chinese service names to service codes.
var serviceNames = map[string]string{
	"代收代缴": quarterhour.ServiceBillPayment, "代收代发": quarterhour.ServicePayAgency, "上门服务": quarterhour.ServiceHomeVisit,
	"线上下单": quarterhour.ServiceOnlineOrder, "配送到家": quarterhour.ServiceDelivery, "智能信包箱": quarterhour.ServiceSmartLocker,
	"智慧结算": quarterhour.ServiceSmartPayment,
}

var outletRegister = registerKind[quarterhour.Outlet]{
	plural: "outlets", singular: "outlet",
	sources:      OutletSources,
	formats:      []RegisterFormat{FormatCSV, FormatXLSX, FormatGeoJSON, FormatShapefile},
	formatAdvice: "send CSV, XLSX, GeoJSON or a zipped Shapefile",
	names:        outletFieldNames,
	needColumns:  needOutletColumns,
	stored: func(ctx context.Context, st store.Store, source string) ([]quarterhour.Outlet, error) {
		return st.ListOutlets(ctx, store.OutletFilter{Source: source})
	},
	ref:    func(o quarterhour.Outlet) string { return o.SourceRef },
	upsert: store.Store.UpsertOutletsBySource,
	mapper: newOutletMapper,
}

// ImportOutlets imports an outlet register for u (nil: anonymous, refused)
// from CSV, XLSX, GeoJSON (Point features) or a zipped Shapefile (points):
// every record's point, from its geometry, its lon and lat or its one-cell
// "lng,lat" location, is converted from the file's CRS to WGS-84 and
// checked as an outlet created by hand is, and the good records are
// upserted by (req.Source, ref) in one transaction that also records the
// batch. The category comes from a category column, else an Amap typecode,
// else Amap's type text (the report lists the rows mapped by text). Bad
// records are rejected one by one with their row, field and reason; a file
// that cannot be read as such a register is a *quarterhour.Error and
// nothing is written. A district user imports only its own district's
// outlets.
func (a *App) ImportOutlets(ctx context.Context, u *quarterhour.User, r io.Reader, req RegisterImport) (*ImportReport, error) {
	return importRegister(ctx, a, u, r, req, &outletRegister)
}

// needOutletColumns wants name; lon and lat or location unless the
// records have geometry; and category, amap_typecode or amap_type.
func needOutletColumns(have map[string]bool, geometry bool) error {
	if !have[fieldName] {
		return quarterhour.Invalid("file", "the header has no %s column (accepted headers: %s)", fieldName, aliasList(fieldName))
	}
	if !geometry && !have[fieldLocation] {
		for _, need := range []string{fieldLon, fieldLat} {
			if !have[need] {
				return quarterhour.Invalid("file", "the header has no %s column (accepted headers: %s), nor a \"lng,lat\" location column (%s)",
					need, aliasList(need), aliasList(fieldLocation))
			}
		}
	}
	if !have[fieldCategory] && !have[fieldTypecode] && !have[fieldAmapType] {
		return quarterhour.Invalid("file", "the header needs a category column (%s), an Amap typecode column (%s) or an Amap type column (%s)",
			aliasList(fieldCategory), aliasList(fieldTypecode), aliasList(fieldAmapType))
	}
	return nil
}

func aliasList(field string) string { return strings.Join(outletFieldNames.aliases(field), ", ") }

// outletMapper holds what checking outlet records needs beyond the batch:
// the categories.
type outletMapper struct {
	*registerBatch[quarterhour.Outlet]
	catSet map[string]quarterhour.Category
	cats   categoryResolver
	// byText lists the accepted rows whose category came from Amap's type
	// text.
	byText []textCategory
}

type textCategory struct {
	row        int
	text, code string
}

func newOutletMapper(ctx context.Context, b *registerBatch[quarterhour.Outlet], rep *ImportReport) (recordMapper[quarterhour.Outlet], error) {
	if g, ok := b.req.CRS.Geo(); b.req.Source == "amap" && ok && g == geo.WGS84 {
		rep.Warnings = append(rep.Warnings, "Amap (高德) exports are GCJ-02; declaring WGS-84 is right only if the coordinates were converted before this import")
	}
	cats, err := b.a.CategorySet(ctx)
	if err != nil {
		return nil, fmt.Errorf("import outlets: %w", err)
	}
	return &outletMapper{registerBatch: b, catSet: cats, cats: newCategoryResolver(cats)}, nil
}

func (m *outletMapper) value(ctx context.Context, rec registerRecord, f fields) (quarterhour.Outlet, *Rejection, error) {
	row := rec.row
	reject := func(field, format string, args ...any) (quarterhour.Outlet, *Rejection, error) {
		return quarterhour.Outlet{}, &Rejection{Row: row, Field: field, Reason: fmt.Sprintf(format, args...)}, nil
	}
	name := f.text(fieldName)
	if name == "" {
		return reject(fieldName, "name is required")
	}
	raw, pointField, rej := m.point(rec, f)
	if rej != nil {
		return quarterhour.Outlet{}, rej, nil
	}
	p, err := m.req.CRS.ToWGS84(raw)
	if err != nil {
		return reject(pointField, "%v", err)
	}
	typeText := f.text(fieldAmapType)
	category, field, byText, err := m.cats.resolve(f.text(fieldCategory), f.text(fieldTypecode), typeText)
	if err != nil {
		return reject(field, "%v", err)
	}
	ref := f.text(fieldRef)
	given := ref != ""
	if !given {
		ref = contentRef(name, p)
	}
	if rej := m.claimRef(row, ref, given, "same name and coordinates as row %d", "ref %q is used again (first on row %d)"); rej != nil {
		return quarterhour.Outlet{}, rej, nil
	}

	old, exists := m.existing[ref]
	o := old
	o.ID, o.Version = 0, 0
	o.Name, o.Category, o.Point = name, category, p
	o.Source, o.SourceRef, o.OriginalCRS = m.req.Source, ref, crsRecord(m.req.CRS)
	for field, dst := range map[string]*string{fieldAddress: &o.Address, fieldBrand: &o.Brand, fieldHours: &o.OpeningHours} {
		if v := f.text(field); v != "" {
			*dst = v
		}
	}
	for field, dst := range map[string]*bool{fieldChain: &o.IsChain, fieldCash: &o.AcceptsCash, fieldCard: &o.AcceptsCard} {
		if v := f.text(field); v != "" {
			b, ok := parseYesNo(v)
			if !ok {
				return reject(field, "%q is not yes or no (是/否, 1/0, true/false)", v)
			}
			*dst = b
		}
	}
	if v := f.text(fieldFloorArea); v != "" {
		a, err := parseArea(v)
		if err != nil {
			return reject(fieldFloorArea, "%v", err)
		}
		o.FloorAreaM2 = a
	}
	if v := f.text(fieldServices); v != "" {
		svc, err := parseServices(v)
		if err != nil {
			return reject(fieldServices, "%v", err)
		}
		o.Services = svc
	}

	district, rej := m.district(row, f.text(fieldDistrict), ref, exists, old.District)
	if rej != nil {
		return quarterhour.Outlet{}, rej, nil
	}
	if district == "" && exists && len(m.a.ZoneHosts(old.District)) > 0 {
		// An outlet of a zone without a boundary keeps its zone.
		district = old.District
	}
	o.District = district
	if err := m.a.CheckOutlet(ctx, &o, m.catSet); err != nil {
		rej, err := rejectInvalid(row, err, "coordinates", func() string { return m.crsHint(raw, p) })
		return quarterhour.Outlet{}, rej, err
	}
	if byText {
		m.byText = append(m.byText, textCategory{row: row, text: typeText, code: category})
	}
	return o, nil, nil
}

// point is a record's position as the file gives it, before any CRS
// transform, and the field it came from: its Point geometry, its lon and
// lat, or its one-cell location. Degrees are checked as longitude and
// latitude (a swapped pair is named); metres are left to the projection.
func (m *outletMapper) point(rec registerRecord, f fields) (orb.Point, string, *Rejection) {
	row := rec.row
	degrees := !m.req.CRS.IsProjected()
	reject := func(field, format string, args ...any) (orb.Point, string, *Rejection) {
		return orb.Point{}, field, &Rejection{Row: row, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	switch g := rec.geometry.(type) {
	case nil:
		if rec.badGeometry != "" {
			return reject("geometry", "%s", rec.badGeometry)
		}
	case orb.Point:
		if degrees {
			if err := geo.ValidateLonLat(g); err != nil {
				return reject("geometry", "%v", err)
			}
		}
		return g, "geometry", nil
	case orb.MultiPoint:
		if len(g) != 1 {
			return reject("geometry", "a MultiPoint of %d points: an outlet is one point", len(g))
		}
		return m.point(registerRecord{row: row, geometry: g[0]}, f)
	default:
		return reject("geometry", "want a Point geometry, got %s", g.GeoJSONType())
	}
	lon, lat, loc := f.text(fieldLon), f.text(fieldLat), f.text(fieldLocation)
	if rec.features && lon == "" && lat == "" && loc == "" {
		return reject("coordinates", "the feature has no position: a Point geometry (or lon and lat, or a location) is required")
	}
	if loc != "" && lon == "" && lat == "" {
		if degrees {
			p, err := table.ParseLocation(loc)
			if err != nil {
				return reject(fieldLocation, "%v", err)
			}
			return p, fieldLocation, nil
		}
		p, ok := parsePair(loc)
		if !ok {
			return reject(fieldLocation, "location %q is not an \"x,y\" pair of numbers", loc)
		}
		return p, fieldLocation, nil
	}
	if !degrees {
		var v [2]float64
		for i, c := range []struct{ field, text string }{{fieldLon, lon}, {fieldLat, lat}} {
			n, err := strconv.ParseFloat(c.text, 64)
			if c.text == "" || err != nil || !finite(n) {
				return reject(c.field, "%q is not a number (metres of %s)", c.text, m.req.CRS)
			}
			v[i] = n
		}
		return orb.Point{v[0], v[1]}, fieldLon, nil
	}
	p, rej := parseLonLat(row, lon, lat)
	return p, fieldLon, rej
}

// finish lists the rows whose category came from Amap's type text.
func (m *outletMapper) finish(rep *ImportReport) {
	if len(m.byText) == 0 {
		return
	}
	const listed = 20
	var rows []string
	for i, t := range m.byText {
		if i == listed {
			rows = append(rows, fmt.Sprintf("and %d more", len(m.byText)-listed))
			break
		}
		rows = append(rows, fmt.Sprintf("row %d (%s → %s)", t.row, t.text, t.code))
	}
	rep.Warnings = append(rep.Warnings, fmt.Sprintf("the category of %d rows was taken from the Amap type text, "+
		"which no typecode of theirs maps: check them: %s", len(m.byText), strings.Join(rows, ", ")))
}

// parseLonLat reads the coordinates as given, before any CRS transform.
func parseLonLat(row int, lonText, latText string) (orb.Point, *Rejection) {
	var v [2]float64
	for i, f := range []struct{ field, text string }{{fieldLon, lonText}, {fieldLat, latText}} {
		if f.text == "" {
			return orb.Point{}, &Rejection{Row: row, Field: f.field, Reason: f.field + " is required"}
		}
		n, err := strconv.ParseFloat(f.text, 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return orb.Point{}, &Rejection{Row: row, Field: f.field, Reason: fmt.Sprintf("%q is not a number in decimal degrees", f.text)}
		}
		v[i] = n
	}
	p := orb.Point{v[0], v[1]}
	if err := geo.ValidateLonLat(p); err != nil {
		field := fieldLon
		if p[1] < -90 || p[1] > 90 {
			field = fieldLat
		}
		return orb.Point{}, &Rejection{Row: row, Field: field, Reason: err.Error()}
	}
	return p, nil
}

// parseServices reads service codes or their Chinese names separated by
// commas or 、.
func parseServices(v string) ([]string, error) {
	var out []string
	for _, part := range strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '|'
	}) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		code := part
		if c, ok := serviceNames[part]; ok {
			code = c
		}
		if !slices.Contains(OutletServices, code) {
			names := make([]string, 0, len(serviceNames))
			for n := range serviceNames {
				names = append(names, n)
			}
			slices.Sort(names)
			return nil, fmt.Errorf("unknown service %q (known: %s, or their codes %s)", part,
				strings.Join(names, "、"), strings.Join(OutletServices, ", "))
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out, nil
}

// categoryResolver finds a category by code, Chinese or English name, or
// Amap typecode.
type categoryResolver struct {
	byName     map[string]string // code, zh name and each of its "/" parts, lower-case en name
	byTypecode map[string]string // 6-digit Amap typecode
	known      map[string]bool   // codes
}

func newCategoryResolver(cs map[string]quarterhour.Category) categoryResolver {
	r := categoryResolver{byName: map[string]string{}, byTypecode: map[string]string{}, known: map[string]bool{}}
	for _, c := range cs {
		r.known[c.Code] = true
		r.byName[c.Code] = c.Code
		r.byName[c.NameZH] = c.Code
		for _, part := range strings.Split(c.NameZH, "/") {
			r.byName[strings.TrimSpace(part)] = c.Code
		}
		r.byName[strings.ToLower(c.NameEN)] = c.Code
		for _, tc := range c.AmapTypecodes {
			r.byTypecode[tc] = c.Code
		}
	}
	return r
}

// resolve returns the category code of a record: from its category;
// else from its Amap typecode(s) ("060200|060400"), a typecode without a
// category of its own falling back to its middle class ("060201" ->
// "060200"); else from Amap's type text ("购物服务;便民商店/便利店;便利店"),
// byText then being true. A typecode that maps wins over the text. On
// failure it names the field at fault.
func (r categoryResolver) resolve(category, typecode, typeText string) (code, field string, byText bool, err error) {
	if category != "" {
		if code, ok := r.byName[category]; ok {
			return code, fieldCategory, false, nil
		}
		if code, ok := r.byName[strings.ToLower(category)]; ok {
			return code, fieldCategory, false, nil
		}
		return "", fieldCategory, false, fmt.Errorf("unknown category %q (give a code such as convenience_store or a name such as 便利店)", category)
	}
	if typecode == "" && typeText == "" {
		return "", fieldCategory, false, errors.New("category is required (a category, an Amap typecode or an Amap type)")
	}
	if code, ok := r.byTypecodes(typecode); ok {
		return code, fieldTypecode, false, nil
	}
	if code, ok := r.byTypeText(typeText); ok {
		return code, fieldAmapType, true, nil
	}
	switch {
	case typecode == "":
		return "", fieldAmapType, false, fmt.Errorf("Amap type %q maps to no category", typeText)
	case typeText == "":
		return "", fieldTypecode, false, fmt.Errorf("Amap typecode %q maps to no category", typecode)
	}
	return "", fieldTypecode, false, fmt.Errorf("neither Amap typecode %q nor type %q maps to a category", typecode, typeText)
}

func (r categoryResolver) byTypecodes(typecode string) (string, bool) {
	codes := strings.FieldsFunc(typecode, func(r rune) bool { return r == '|' || r == ';' || r == ',' })
	for _, tc := range codes {
		if code, ok := r.byTypecode[strings.TrimSpace(tc)]; ok {
			return code, true
		}
	}
	for _, tc := range codes {
		if tc = strings.TrimSpace(tc); len(tc) == 6 {
			if code, ok := r.byTypecode[tc[:4]+"00"]; ok {
				return code, true
			}
		}
	}
	return "", false
}

// amapClassNames maps the names of Amap POI classes that differ from our
// category names to categories. Amap's type text names the big, middle and
// small class ("医疗保健服务;医药保健销售店;药房"); several types are
// joined by "|".
var amapClassNames = map[string]string{
	"超级市场": "supermarket", "超市": "supermarket", "综合超市": "supermarket",
	"便民商店": "convenience_store",
	"综合市场": "wet_market", "农副产品市场": "wet_market", "蔬菜市场": "wet_market", "水产海鲜市场": "wet_market", "农贸市场": "wet_market",
	"药房": "pharmacy", "药店": "pharmacy", "医药保健销售店": "pharmacy",
	"洗衣店": "laundry", "干洗店": "laundry",
	"摄影冲印店": "photo_print", "摄影冲印": "photo_print", "图文快印": "photo_print",
	"维修站点": "repair", "维修": "repair",
	"物流速递": "parcel_point", "快递": "parcel_point", "快递服务": "parcel_point", "快递驿站": "parcel_point",
	"中餐厅": "specialty_dining", "外国餐厅": "specialty_dining",
	"运动场馆": "fitness", "健身中心": "fitness",
	"洗浴推拿场所": "wellness", "足疗": "wellness",
	"培训机构": "education",
	"娱乐场所": "leisure", "影剧院": "leisure",
	"咖啡厅":    "cafe",
	"书店":     "bookstore",
	"动物医疗场所": "pet_service", "宠物诊所": "pet_service", "宠物服务": "pet_service",
	"诊所": "health_station", "社区卫生服务站": "health_station", "社区卫生服务中心": "health_station",
}

// byTypeText maps Amap's type text to a category by its most specific
// class that names one: the small class, then the middle class, each
// whole or by its "/" parts, as a category name or an Amap class name.
func (r categoryResolver) byTypeText(text string) (string, bool) {
	for _, t := range strings.Split(text, "|") {
		levels := strings.Split(t, ";")
		for i := len(levels) - 1; i >= 1 || i == 0 && len(levels) == 1; i-- {
			level := strings.TrimSpace(levels[i])
			for _, name := range append([]string{level}, strings.Split(level, "/")...) {
				name = strings.TrimSpace(name)
				if name == "" {
					continue
				}
				if code, ok := r.byName[name]; ok {
					return code, true
				}
				if code, ok := amapClassNames[name]; ok && r.known[code] {
					return code, true
				}
			}
		}
	}
	return "", false
}
