package template

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Funcs is Alertmanager's DefaultFuncs without "title" (which needs
// golang.org/x/text; tocsin tests it against amtool instead) and with
// "routeLabels" returning the route label verbatim, as it does when
// notifications are rendered.
func Funcs(data func() *Data) map[string]any {
	return map[string]any{
		"toUpper":     strings.ToUpper,
		"toLower":     strings.ToLower,
		"trimSpace":   strings.TrimSpace,
		"join":        func(sep string, s []string) string { return strings.Join(s, sep) },
		"match":       regexp.MatchString,
		"safeHtml":    func(s string) htmltemplate.HTML { return htmltemplate.HTML(s) },
		"safeUrl":     func(s string) htmltemplate.URL { return htmltemplate.URL(s) },
		"urlUnescape": url.QueryUnescape,
		"reReplaceAll": func(pattern, repl, text string) string {
			return regexp.MustCompile(pattern).ReplaceAllString(text, repl)
		},
		"stringSlice": func(s ...string) []string { return s },
		"routeLabels": func(name string) (string, error) {
			if d := data(); d != nil {
				return d.RouteLabels[name], nil
			}
			return "", nil
		},
		"date": func(layout string, t time.Time) string { return t.Format(layout) },
		"tz": func(name string, t time.Time) (time.Time, error) {
			loc, err := time.LoadLocation(name)
			if err != nil {
				return time.Time{}, err
			}
			return t.In(loc), nil
		},
		"now":              time.Now,
		"since":            time.Since,
		"humanizeDuration": humanizeDuration,
		"toDate": func(layout, s string) time.Time {
			t, _ := time.ParseInLocation(layout, s, time.UTC)
			return t
		},
		"mustToDate": func(layout, s string) (time.Time, error) {
			return time.ParseInLocation(layout, s, time.UTC)
		},
		"toJson": func(v any) (string, error) {
			b, err := json.Marshal(v)
			if err != nil {
				return "", err
			}
			return string(b), nil
		},
		"base64encode": func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) },
		"base64decode": func(s string) (string, error) {
			b, err := base64.URLEncoding.DecodeString(s)
			if err != nil {
				return "", err
			}
			return string(b), nil
		},
		"list": func(args ...any) ([]any, error) {
			if args == nil {
				return []any{}, nil
			}
			return args, nil
		},
		"append": func(slice []any, args ...any) []any { return append(slice, args...) },
		"dict": func(values ...any) (map[string]any, error) {
			if len(values)%2 != 0 {
				return nil, errors.New("dict requires an even number of arguments")
			}
			out := make(map[string]any, len(values)/2)
			for i := 0; i < len(values); i += 2 {
				k, ok := values[i].(string)
				if !ok {
					return nil, errors.New("dict keys must be strings")
				}
				out[k] = values[i+1]
			}
			return out, nil
		},
	}
}

// humanizeDuration follows prometheus/common's HumanizeDuration: seconds
// shown as days/hours/minutes/seconds, sub-second values with SI prefixes.
func humanizeDuration(i any) (string, error) {
	var v float64
	switch x := i.(type) {
	case float64:
		v = x
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return "", err
		}
		v = f
	case int:
		v = float64(x)
	case uint:
		v = float64(x)
	case int64:
		v = float64(x)
	case uint64:
		v = float64(x)
	case time.Duration:
		v = x.Seconds()
	default:
		return "", fmt.Errorf("can't convert %T to float", x)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprintf("%.4g", v), nil
	}
	if v == 0 {
		return fmt.Sprintf("%.4gs", v), nil
	}
	if math.Abs(v) >= 1 {
		sign := ""
		if v < 0 {
			sign, v = "-", -v
		}
		whole := int64(v)
		s, m, h, d := whole%60, (whole/60)%60, (whole/3600)%24, whole/86400
		switch {
		case d != 0:
			return fmt.Sprintf("%s%dd %dh %dm %ds", sign, d, h, m, s), nil
		case h != 0:
			return fmt.Sprintf("%s%dh %dm %ds", sign, h, m, s), nil
		case m != 0:
			return fmt.Sprintf("%s%dm %ds", sign, m, s), nil
		}
		return fmt.Sprintf("%s%.4gs", sign, v), nil
	}
	prefix := ""
	for _, p := range []string{"m", "u", "n", "p", "f", "a", "z", "y"} {
		if math.Abs(v) >= 1 {
			break
		}
		prefix = p
		v *= 1000
	}
	return fmt.Sprintf("%.4g%ss", v, prefix), nil
}
