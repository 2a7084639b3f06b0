// Command oracle runs template test cases through Go's text/template and
// html/template and records what Go produces. It is a development tool for
// the tocsin-gotemplate crate, not a dependency: the Rust tests compare the
// engine's output with the expectations it wrote into tests/cases.json.
//
// Usage (from the crate directory):
//
//	go run tests/oracle/main.go < tests/cases.json > /tmp/cases.json && mv /tmp/cases.json tests/cases.json
//
// Input: a JSON object {"datasets": {NAME: DATA, ...}, "cases": [CASE, ...]}.
// Each case has
//
//	name      unique case name
//	template  template text, or an array of texts parsed one after another
//	data      JSON data (see "Data encoding")
//	dataset   instead of data: the name of a shared dataset
//	options   Option strings, e.g. ["missingkey=zero"]
//	html      true for html/template
//	exec      optional: name of the template to run with ExecuteTemplate, or
//	          an array of names run one after another on the same template
//	          set (outputs joined by "\n--\n"; "" means Execute)
//	delims    optional: [left, right] action delimiters
//	note      optional: free text about the case
//
// Output: the same document with, in each case, "output" (what Execute wrote, also on error)
// and "error" (the error text, or "" on success) filled in, and "phase"
// ("parse", "exec" or "").
//
// Data encoding: JSON objects become map[string]interface{}, arrays
// []interface{}, integral numbers int, other numbers float64. Objects with a
// single "$"-key build typed values:
//
//	{"$uint": 5}             uint(5)
//	{"$float": "NaN"}        a float64 from its text ("NaN", "+Inf", "-0", ...)
//	{"$html": "<b>"}         template.HTML (also $attr $url $js $jsstr $css $srcset)
//	{"$strings": ["a"]}      []string
//	{"$kv": {"a": "b"}}      KV: a map[string]string with methods like Alertmanager's
//	{"$item": {...}}         Item: a struct with fields Name, Count, Tags and methods
//	{"$items": [{...}]}      []Item
//
// Functions available to every case: see funcs below.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	texttemplate "text/template"
)

// Pair and KV mirror Alertmanager's template data helpers.
type Pair struct{ Name, Value string }

type Pairs []Pair

func (ps Pairs) Names() []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func (ps Pairs) Values() []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Value)
	}
	return out
}

func (ps Pairs) String() string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, p.Name+"="+p.Value)
	}
	return strings.Join(parts, ", ")
}

type KV map[string]string

func (kv KV) SortedPairs() Pairs {
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make(Pairs, 0, len(kv))
	for _, k := range keys {
		pairs = append(pairs, Pair{k, kv[k]})
	}
	return pairs
}

func (kv KV) Remove(keys []string) KV {
	out := KV{}
	for k, v := range kv {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func (kv KV) Names() []string  { return kv.SortedPairs().Names() }
func (kv KV) Values() []string { return kv.SortedPairs().Values() }
func (kv KV) String() string   { return kv.SortedPairs().String() }

// Item is a struct with fields and methods.
type Item struct {
	Name  string
	Count int
	Tags  []string
}

func (i Item) Upper() string           { return strings.ToUpper(i.Name) }
func (i Item) Add(n int) int           { return i.Count + n }
func (i Item) Greet(who string) string { return "hello " + who + " from " + i.Name }
func (i Item) Fail() (string, error)   { return "", errors.New("item failure") }
func (i Item) Join(sep string, parts ...string) string {
	return i.Name + ":" + strings.Join(parts, sep)
}

var funcs = map[string]interface{}{
	"upper":  strings.ToUpper,
	"add":    func(a, b int) int { return a + b },
	"fail":   func() (string, error) { return "", errors.New("boom") },
	"join":   func(sep string, s []string) string { return strings.Join(s, sep) },
	"strs":   func(s ...string) []string { return s },
	"safe":   func(s string) htmltemplate.HTML { return htmltemplate.HTML(s) },
	"double": func(f float64) float64 { return f * 2 },
	"concat": func(prefix string, rest ...interface{}) string { return prefix + fmt.Sprint(rest...) },
	"null":   func() interface{} { return nil },
	"kv":     func() KV { return KV{"b": "2", "a": "1"} },
	"isnil":  func(v interface{}) bool { return v == nil },
	"adder":  func() func(int, int) int { return func(a, b int) int { return a + b } },
	"uinc":   func(u uint) uint { return u + 1 },
	"yes":    func(b bool) string { return strconv.FormatBool(b) },
}

type testCase struct {
	Name     string          `json:"name"`
	Template json.RawMessage `json:"template"`
	Data     json.RawMessage `json:"data,omitempty"`
	Dataset  string          `json:"dataset,omitempty"`
	Options  []string        `json:"options,omitempty"`
	HTML     bool            `json:"html,omitempty"`
	Exec     json.RawMessage `json:"exec,omitempty"`
	Delims   []string        `json:"delims,omitempty"`
	Note     string          `json:"note,omitempty"`
	Output   string          `json:"output"`
	Error    string          `json:"error"`
	Phase    string          `json:"phase"`
}

func convert(v interface{}) interface{} {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return int(i)
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case []interface{}:
		for i := range x {
			x[i] = convert(x[i])
		}
		return x
	case map[string]interface{}:
		if len(x) == 1 {
			for k, inner := range x {
				if typed, ok := typedValue(k, inner); ok {
					return typed
				}
			}
		}
		for k := range x {
			x[k] = convert(x[k])
		}
		return x
	}
	return v
}

func typedValue(key string, inner interface{}) (interface{}, bool) {
	str, _ := inner.(string)
	switch key {
	case "$uint":
		n, _ := strconv.ParseUint(string(inner.(json.Number)), 10, 64)
		return uint(n), true
	case "$float":
		f, _ := strconv.ParseFloat(str, 64)
		if str == "-0" {
			f = math.Copysign(0, -1)
		}
		return f, true
	case "$html":
		return htmltemplate.HTML(str), true
	case "$attr":
		return htmltemplate.HTMLAttr(str), true
	case "$url":
		return htmltemplate.URL(str), true
	case "$js":
		return htmltemplate.JS(str), true
	case "$jsstr":
		return htmltemplate.JSStr(str), true
	case "$css":
		return htmltemplate.CSS(str), true
	case "$srcset":
		return htmltemplate.Srcset(str), true
	case "$strings":
		var out []string
		for _, s := range inner.([]interface{}) {
			out = append(out, s.(string))
		}
		return out, true
	case "$kv":
		out := KV{}
		for k, s := range inner.(map[string]interface{}) {
			out[k] = s.(string)
		}
		return out, true
	case "$item":
		return makeItem(inner.(map[string]interface{})), true
	case "$items":
		var out []Item
		for _, m := range inner.([]interface{}) {
			out = append(out, makeItem(m.(map[string]interface{})))
		}
		return out, true
	}
	return nil, false
}

func makeItem(m map[string]interface{}) Item {
	item := Item{}
	if name, ok := m["Name"].(string); ok {
		item.Name = name
	}
	if count, ok := m["Count"].(json.Number); ok {
		n, _ := count.Int64()
		item.Count = int(n)
	}
	if tags, ok := m["Tags"].([]interface{}); ok {
		for _, t := range tags {
			item.Tags = append(item.Tags, t.(string))
		}
	}
	return item
}

func texts(raw json.RawMessage) []string {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		panic(err)
	}
	return many
}

// execNames lists the templates a case runs: "" stands for Execute.
func execNames(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return []string{""}
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		panic(err)
	}
	return many
}

func decodeData(raw json.RawMessage) interface{} {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	return convert(v)
}

type document struct {
	Datasets map[string]json.RawMessage `json:"datasets"`
	Cases    []testCase                 `json:"cases"`
}

func run(c *testCase, datasets map[string]json.RawMessage) {
	raw := c.Data
	if c.Dataset != "" {
		var ok bool
		if raw, ok = datasets[c.Dataset]; !ok {
			panic("unknown dataset " + c.Dataset)
		}
	}
	data := decodeData(raw)
	var buf bytes.Buffer
	var err error
	phase := "parse"
	left, right := "", ""
	if len(c.Delims) == 2 {
		left, right = c.Delims[0], c.Delims[1]
	}
	if c.HTML {
		t := htmltemplate.New(c.Name).Delims(left, right).Funcs(funcs)
		for _, o := range c.Options {
			t = t.Option(o)
		}
		for _, text := range texts(c.Template) {
			if _, err = t.Parse(text); err != nil {
				break
			}
		}
		if err == nil {
			phase = "exec"
			for i, name := range execNames(c.Exec) {
				if i > 0 {
					buf.WriteString("\n--\n")
				}
				if name != "" {
					err = t.ExecuteTemplate(&buf, name, data)
				} else {
					err = t.Execute(&buf, data)
				}
				if err != nil {
					break
				}
			}
		}
	} else {
		t := texttemplate.New(c.Name).Delims(left, right).Funcs(funcs)
		for _, o := range c.Options {
			t = t.Option(o)
		}
		for _, text := range texts(c.Template) {
			if _, err = t.Parse(text); err != nil {
				break
			}
		}
		if err == nil {
			phase = "exec"
			for i, name := range execNames(c.Exec) {
				if i > 0 {
					buf.WriteString("\n--\n")
				}
				if name != "" {
					err = t.ExecuteTemplate(&buf, name, data)
				} else {
					err = t.Execute(&buf, data)
				}
				if err != nil {
					break
				}
			}
		}
	}
	c.Output = buf.String()
	c.Error = ""
	c.Phase = ""
	if err != nil {
		c.Error = err.Error()
		c.Phase = phase
	}
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	var doc document
	if err := json.Unmarshal(input, &doc); err != nil {
		panic(err)
	}
	seen := map[string]bool{}
	for i := range doc.Cases {
		if seen[doc.Cases[i].Name] {
			panic("duplicate case name " + doc.Cases[i].Name)
		}
		seen[doc.Cases[i].Name] = true
		run(&doc.Cases[i], doc.Datasets)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		panic(err)
	}
}
