package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/quarterhour/quarterhour/app/i18n"
)

// Error messages in the request's language.
//
// The application writes its messages in English. The API answers in Chinese
// unless the request's Accept-Language prefers English, translating the
// message at the edge with the catalog of package app/i18n; for a message the
// catalog does not know, it answers with a Chinese sentence built from the
// error's code and field and keeps the English message as the error's detail.
// The code and the field never change with the language.

// Languages the API answers in.
const (
	langZH = "zh-CN"
	langEN = "en"
)

// requestLang picks the language of the answer from Accept-Language: English
// when an English tag ranks above every Chinese one (by q-value, then by
// order), Chinese otherwise, including when the header is absent, names only
// other languages or is malformed.
func requestLang(r *http.Request) string {
	best, bestQ := langZH, -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		var l string
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			l = langZH
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			l = langEN
		case tag == "*":
			l = langZH
		default:
			continue
		}
		if q > 0 && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// localized is an error's message in one language and, when the message
// could not be translated, the original English message as detail.
type localized struct {
	Message string
	Detail  string
}

// localize words e in lang.
func localize(e *Error, lang string) localized {
	if lang == langEN || e.Message == "" && e.Code == "" {
		return localized{Message: e.Message}
	}
	if zh, ok := i18n.Translate(e.Message, e.Field); ok {
		return localized{Message: zh}
	}
	return localized{Message: i18n.Fallback(e.Code, e.Field), Detail: e.Message}
}
