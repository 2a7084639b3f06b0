// Marshals value trees with gopkg.in/yaml.v2 so that tests can compare
// tocsin-config's YAML emitter byte for byte.
//
// Input (stdin): a JSON array of documents; each value is tagged:
// {"t":"null"} {"t":"bool","v":true} {"t":"int","v":"-3"} {"t":"uint","v":"7"}
// {"t":"float","v":"0.5"} {"t":"str","v":"x"} {"t":"seq","v":[...]}
// {"t":"map","v":[[key,value],...]}.
// Output (stdout): each marshalled document followed by a line "\x00".
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"gopkg.in/yaml.v2"
)

type tagged struct {
	T string          `json:"t"`
	V json.RawMessage `json:"v"`
}

func convert(t tagged) interface{} {
	switch t.T {
	case "null":
		return nil
	case "bool":
		var b bool
		json.Unmarshal(t.V, &b)
		return b
	case "int":
		var s string
		json.Unmarshal(t.V, &s)
		i, _ := strconv.ParseInt(s, 10, 64)
		return i
	case "uint":
		var s string
		json.Unmarshal(t.V, &s)
		u, _ := strconv.ParseUint(s, 10, 64)
		return u
	case "float":
		var s string
		json.Unmarshal(t.V, &s)
		f, _ := strconv.ParseFloat(s, 64)
		return f
	case "str":
		var s string
		json.Unmarshal(t.V, &s)
		return s
	case "seq":
		var items []tagged
		json.Unmarshal(t.V, &items)
		out := make([]interface{}, 0, len(items))
		for _, it := range items {
			out = append(out, convert(it))
		}
		return out
	case "map":
		var pairs [][2]tagged
		json.Unmarshal(t.V, &pairs)
		out := yaml.MapSlice{}
		for _, p := range pairs {
			out = append(out, yaml.MapItem{Key: convert(p[0]), Value: convert(p[1])})
		}
		return out
	}
	panic("unknown tag " + t.T)
}

func main() {
	var docs []tagged
	if err := json.NewDecoder(os.Stdin).Decode(&docs); err != nil {
		panic(err)
	}
	for _, d := range docs {
		b, err := yaml.Marshal(convert(d))
		if err != nil {
			panic(err)
		}
		fmt.Print(string(b))
		fmt.Print("\x00\n")
	}
}
