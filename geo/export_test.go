package geo

// CheckIsochroneCells exposes the comparison of an isochrone's cells with
// their direct definition to the tests on real data in package geo_test.
var CheckIsochroneCells = checkIsochroneCells
