package app

import "github.com/quarterhour/quarterhour"

// Who may do what. The acting user is a *quarterhour.User; nil is an
// anonymous resident.

var errLoginRequired = quarterhour.Errorf(quarterhour.EUnauthenticated, "", "login required")

// CanWrite checks that u may change data of district (a 6-digit county code;
// "" when the user's own district applies): admins anywhere, district users
// in their own district; reviewers and anonymous callers never.
func CanWrite(u *quarterhour.User, district string) error {
	if u == nil {
		return errLoginRequired
	}
	switch u.Role {
	case quarterhour.RoleAdmin:
		return nil
	case quarterhour.RoleDistrict:
		if district != "" && district != u.District {
			return quarterhour.Forbidden("district", "user %s may only change data of district %s, not %s", u.Username, u.District, district)
		}
		return nil
	default:
		return quarterhour.Forbidden("", "role %s may not change data", u.Role)
	}
}

// CanRead checks that u may see evaluations of district: any reviewer or
// admin, district users only their own.
func CanRead(u *quarterhour.User, district string) error {
	if u == nil {
		return errLoginRequired
	}
	if u.Role == quarterhour.RoleDistrict && district != u.District {
		return quarterhour.Forbidden("district", "user %s may only see evaluations of district %s, not %s", u.Username, u.District, district)
	}
	return nil
}

// CanReview checks that u is a reviewer or an admin, who may take action on
// an evaluation.
func CanReview(u *quarterhour.User, action string) error {
	if u == nil {
		return errLoginRequired
	}
	if u.Role != quarterhour.RoleReviewer && u.Role != quarterhour.RoleAdmin {
		return quarterhour.Forbidden("", "only a reviewer or an admin may %s an evaluation; %s is %s", action, u.Username, u.Role)
	}
	return nil
}
