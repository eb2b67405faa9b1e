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
)

var outletFieldNames = fieldNames{
	"名称": fieldName, "name": fieldName, "网点名称": fieldName, "店名": fieldName,
	"类别": fieldCategory, "category": fieldCategory, "业态": fieldCategory, "分类": fieldCategory,
	"经度": fieldLon, "lon": fieldLon, "lng": fieldLon, "longitude": fieldLon,
	"纬度": fieldLat, "lat": fieldLat, "latitude": fieldLat,
	"地址": fieldAddress, "address": fieldAddress,
	"品牌": fieldBrand, "brand": fieldBrand,
	"连锁": fieldChain, "is_chain": fieldChain, "是否连锁": fieldChain,
	"营业面积": fieldFloorArea, "floor_area_m2": fieldFloorArea, "floor_area": fieldFloorArea,
	"现金": fieldCash, "accepts_cash": fieldCash, "收现金": fieldCash,
	"银行卡": fieldCard, "accepts_card": fieldCard, "刷卡": fieldCard,
	"营业时间": fieldHours, "opening_hours": fieldHours,
	"服务": fieldServices, "services": fieldServices, "便民服务": fieldServices,
	"编号": fieldRef, "ref": fieldRef, "id": fieldRef, "source_ref": fieldRef,
	"高德类型": fieldTypecode, "amap_typecode": fieldTypecode, "typecode": fieldTypecode, "类型编码": fieldTypecode,
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
	sources:     OutletSources,
	formats:     []RegisterFormat{FormatCSV},
	names:       outletFieldNames,
	needColumns: needOutletColumns,
	stored: func(ctx context.Context, st store.Store, source string) ([]quarterhour.Outlet, error) {
		return st.ListOutlets(ctx, store.OutletFilter{Source: source})
	},
	ref:    func(o quarterhour.Outlet) string { return o.SourceRef },
	upsert: store.Store.UpsertOutletsBySource,
	mapper: newOutletMapper,
}

// ImportOutlets imports an outlet register for u (nil: anonymous, refused):
// every record's point is converted from req.CRS to WGS-84 and checked as
// an outlet created by hand is, and the good records are upserted by
// (req.Source, ref) in one transaction that also records the batch. Bad
// records are rejected one by one with their row, field and reason; a file
// that cannot be read as such a register is a *quarterhour.Error and
// nothing is written. A district user imports only its own district's
// outlets.
func (a *App) ImportOutlets(ctx context.Context, u *quarterhour.User, r io.Reader, req RegisterImport) (*ImportReport, error) {
	return importRegister(ctx, a, u, r, req, &outletRegister)
}

// needOutletColumns wants name, lon, lat and category or amap_typecode.
func needOutletColumns(have map[string]bool) error {
	for _, need := range []string{fieldName, fieldLon, fieldLat} {
		if !have[need] {
			return quarterhour.Invalid("file", "the header has no %s column (accepted headers: %s)", need, aliasList(need))
		}
	}
	if !have[fieldCategory] && !have[fieldTypecode] {
		return quarterhour.Invalid("file", "the header needs a category column (%s) or an Amap typecode column (%s)",
			aliasList(fieldCategory), aliasList(fieldTypecode))
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
}

func newOutletMapper(ctx context.Context, b *registerBatch[quarterhour.Outlet], rep *ImportReport) (recordMapper[quarterhour.Outlet], error) {
	if b.req.Source == "amap" && b.req.CRS == geo.WGS84 {
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
	raw, rej := parseLonLat(row, f.text(fieldLon), f.text(fieldLat))
	if rej != nil {
		return quarterhour.Outlet{}, rej, nil
	}
	p, err := geo.Transform(raw, m.req.CRS, geo.WGS84)
	if err != nil {
		return reject("crs", "%v", err)
	}
	category, field, err := m.cats.resolve(f.text(fieldCategory), f.text(fieldTypecode))
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
	o.Source, o.SourceRef, o.OriginalCRS = m.req.Source, ref, string(m.req.CRS)
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
	return o, nil, nil
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
}

func newCategoryResolver(cs map[string]quarterhour.Category) categoryResolver {
	r := categoryResolver{byName: map[string]string{}, byTypecode: map[string]string{}}
	for _, c := range cs {
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

// resolve returns the category code of a record, from its category or,
// when that is empty, its Amap typecode(s) ("060200|060400"). A typecode
// without a category of its own falls back to its middle class
// ("060201" -> "060200"). On failure it names the field at fault.
func (r categoryResolver) resolve(category, typecode string) (string, string, error) {
	if category != "" {
		if code, ok := r.byName[category]; ok {
			return code, fieldCategory, nil
		}
		if code, ok := r.byName[strings.ToLower(category)]; ok {
			return code, fieldCategory, nil
		}
		return "", fieldCategory, fmt.Errorf("unknown category %q (give a code such as convenience_store or a name such as 便利店)", category)
	}
	if typecode == "" {
		return "", fieldCategory, errors.New("category is required (a category or an Amap typecode)")
	}
	codes := strings.FieldsFunc(typecode, func(r rune) bool { return r == '|' || r == ';' || r == ',' })
	for _, tc := range codes {
		if code, ok := r.byTypecode[strings.TrimSpace(tc)]; ok {
			return code, fieldTypecode, nil
		}
	}
	for _, tc := range codes {
		if tc = strings.TrimSpace(tc); len(tc) == 6 {
			if code, ok := r.byTypecode[tc[:4]+"00"]; ok {
				return code, fieldTypecode, nil
			}
		}
	}
	return "", fieldTypecode, fmt.Errorf("Amap typecode %q maps to no category", typecode)
}
