// Package i18n words the application's English error messages in Chinese.
//
// The application writes its messages in English; the API answers in
// Chinese unless a request prefers English. The wording lives here: a
// catalog of English message patterns (regular expressions whose captured
// values are carried into the Chinese sentence), Chinese labels for the
// fields, statuses, actions, roles and tiers, and, for a message no pattern
// knows, a Chinese sentence built from the error's code and field label.
// Codes and fields are never translated.
package i18n

import (
	"regexp"
	"strconv"
	"strings"
)

// Translate words msg, an English message about field ("" for none), in
// Chinese: the sentence of the first catalog pattern that matches msg
// whole, its placeholders filled; false when no pattern does.
func Translate(msg, field string) (string, bool) {
	msg = strings.TrimSpace(msg)
	for _, p := range messageCatalog {
		m := p.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		return p.fill(m, field), true
	}
	return "", false
}

// pattern is one English message shape and its Chinese wording. In zh,
// {1}, {2}, … stand for the captured values and {field} for the label of the
// error's field; a captured value is rendered through a filter named after a
// bar: {1|field} as a field label, {1|status} an evaluation status,
// {1|statuses} a list of statuses joined by "or", {1|action} an evaluation
// action, {1|did} what a user did to one, {1|role} a user role, {1|tier} a tier, {1|items} a "; "-separated
// list of "field: reason" problems, {1|reason} a message translated in turn.
type pattern struct {
	re *regexp.Regexp
	zh string
}

var placeholder = regexp.MustCompile(`\{(\d+|field)(?:\|(\w+))?\}`)

func (p pattern) fill(m []string, field string) string {
	return placeholder.ReplaceAllStringFunc(p.zh, func(ph string) string {
		sub := placeholder.FindStringSubmatch(ph)
		if sub[1] == "field" {
			return fieldLabel(field)
		}
		i, _ := strconv.Atoi(sub[1])
		if i >= len(m) {
			return ph
		}
		return filter(sub[2], m[i])
	})
}

// filter renders a captured value v through the named filter.
func filter(name, v string) string {
	switch name {
	case "field":
		return fieldLabel(v)
	case "status":
		return quoted(lookup(statusLabels, v))
	case "statuses":
		parts := strings.Split(v, " or ")
		for i, s := range parts {
			parts[i] = quoted(lookup(statusLabels, s))
		}
		return strings.Join(parts, "或")
	case "action":
		return lookup(actionLabels, v)
	case "did":
		return lookup(didLabels, v)
	case "role":
		return quoted(lookup(roleLabels, v))
	case "tier":
		return quoted(lookup(tierLabels, v))
	case "items":
		return translateItems(v)
	case "reason":
		if zh, ok := Translate(v, ""); ok {
			return zh
		}
		return v
	}
	return v
}

// translateItems words a "; "-separated list of "field: reason" problems,
// as the application joins the problems of one submission.
func translateItems(v string) string {
	items := strings.Split(v, "; ")
	for i, it := range items {
		f, reason, ok := strings.Cut(it, ": ")
		if !ok {
			items[i] = filter("reason", it)
			continue
		}
		zh, ok := Translate(reason, f)
		if !ok {
			zh = reason
		}
		items[i] = fieldLabel(f) + "：" + zh
	}
	return strings.Join(items, "；")
}

func quoted(s string) string { return "“" + s + "”" }

func lookup(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

// fieldLabel is the Chinese name of an API field: "evidence[2]" is the
// label of evidence with its number, "walk.category" that of category; a
// field without a label keeps its name.
func fieldLabel(field string) string {
	if field == "" {
		return ""
	}
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	base, rest, _ := strings.Cut(field, "[")
	if rest != "" {
		if l, ok := fieldLabels[base]; ok {
			idx, _, _ := strings.Cut(rest, "]")
			if n, err := strconv.Atoi(idx); err == nil {
				return l + "（第 " + strconv.Itoa(n+1) + " 项）"
			}
			return l
		}
	}
	if i := strings.LastIndex(field, "."); i >= 0 {
		if l, ok := fieldLabels[field[i+1:]]; ok {
			return l
		}
	}
	return field
}

// Fallback words in Chinese an error whose message no pattern knows, from
// its code and the label of its field.
func Fallback(code, field string) string {
	label := fieldLabel(field)
	if label != "" {
		if s, ok := fieldSentences[code]; ok {
			return strings.ReplaceAll(s, "{field}", label)
		}
	}
	if s, ok := codeSentences[code]; ok {
		return s
	}
	if label != "" {
		return label + "：请求未能完成"
	}
	return "请求未能完成"
}
