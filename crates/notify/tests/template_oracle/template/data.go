// Package template re-creates, for tocsin's test oracle, the data types and
// functions Alertmanager 0.34 hands to notification templates. It is named
// "template" so that Go prints the same type names (template.KV,
// *template.Data, ...) as in Alertmanager. Written for tocsin from
// Alertmanager's documented behaviour, with the Go standard library only.
package template

import (
	"sort"
	"strings"
	"time"
)

// Pair is one label name and value.
type Pair struct {
	Name, Value string
}

// Pairs is an ordered list of pairs.
type Pairs []Pair

// Strings is a list of strings with Join.
type Strings []string

// Join joins the strings with sep.
func (s Strings) Join(sep string) string { return strings.Join(s, sep) }

// Names lists the pair names in order.
func (ps Pairs) Names() Strings {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return Strings(out)
}

// Values lists the pair values in order.
func (ps Pairs) Values() Strings {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Value)
	}
	return Strings(out)
}

func (ps Pairs) String() string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, p.Name+"="+p.Value)
	}
	return strings.Join(parts, ", ")
}

// KV is a label set.
type KV map[string]string

// SortedPairs puts alertname first and sorts the other names.
func (kv KV) SortedPairs() Pairs {
	names := make([]string, 0, len(kv))
	for k := range kv {
		if k != "alertname" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	if _, ok := kv["alertname"]; ok {
		names = append([]string{"alertname"}, names...)
	}
	out := make(Pairs, 0, len(names))
	for _, n := range names {
		out = append(out, Pair{n, kv[n]})
	}
	return out
}

// Remove returns a copy without the given names.
func (kv KV) Remove(keys []string) KV {
	drop := map[string]bool{}
	for _, k := range keys {
		drop[k] = true
	}
	out := KV{}
	for k, v := range kv {
		if !drop[k] {
			out[k] = v
		}
	}
	return out
}

// Names lists the names in SortedPairs order.
func (kv KV) Names() Strings { return kv.SortedPairs().Names() }

// Values lists the values in SortedPairs order.
func (kv KV) Values() Strings { return kv.SortedPairs().Values() }

func (kv KV) String() string { return kv.SortedPairs().String() }

// Data is the dot of notification templates.
type Data struct {
	Receiver           string `json:"receiver"`
	Status             string `json:"status"`
	Alerts             Alerts `json:"alerts"`
	NotificationReason string `json:"notification_reason"`
	GroupLabels        KV     `json:"groupLabels"`
	CommonLabels       KV     `json:"commonLabels"`
	CommonAnnotations  KV     `json:"commonAnnotations"`
	RouteLabels        KV     `json:"routeLabels"`
	ExternalURL        string `json:"externalURL"`
}

// Alert is one alert of the notification.
type Alert struct {
	Status       string    `json:"status"`
	Labels       KV        `json:"labels"`
	Annotations  KV        `json:"annotations"`
	StartsAt     time.Time `json:"startsAt"`
	EndsAt       time.Time `json:"endsAt"`
	GeneratorURL string    `json:"generatorURL"`
	Fingerprint  string    `json:"fingerprint"`
}

// Alerts is the alert list with status filters.
type Alerts []Alert

// Firing lists the firing alerts.
func (as Alerts) Firing() []Alert { return as.with("firing") }

// Resolved lists the resolved alerts.
func (as Alerts) Resolved() []Alert { return as.with("resolved") }

func (as Alerts) with(status string) []Alert {
	out := []Alert{}
	for _, a := range as {
		if a.Status == status {
			out = append(out, a)
		}
	}
	return out
}
