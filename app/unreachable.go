package app

// unreachableReporter is implemented by stores that tell a failure to reach
// their database from other errors.
type unreachableReporter interface {
	Unreachable(err error) (reason string, ok bool)
}

// Unreachable passes the question on to the wrapped store, so the API can
// tell an outage of the database from other failures.
func (s indexedStore) Unreachable(err error) (string, bool) {
	if r, ok := s.Store.(unreachableReporter); ok {
		return r.Unreachable(err)
	}
	return "", false
}
