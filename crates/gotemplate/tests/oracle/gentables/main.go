// Command gentables writes src/unicode_tables.rs: the code-point ranges for
// which Go's unicode.IsPrint, unicode.IsLetter and unicode.IsDigit report
// true. The engine uses them so that identifier lexing, %q quoting and JS
// escaping classify characters exactly as the Go version that generated the
// tables does. Run from the crate root:
//
//	go run tests/oracle/gentables/main.go > src/unicode_tables.rs
package main

import (
	"fmt"
	"runtime"
	"unicode"
)

func ranges(pred func(rune) bool) [][2]rune {
	var out [][2]rune
	start := rune(-1)
	for r := rune(0); r <= unicode.MaxRune+1; r++ {
		in := r <= unicode.MaxRune && pred(r)
		if in && start < 0 {
			start = r
		}
		if !in && start >= 0 {
			out = append(out, [2]rune{start, r - 1})
			start = -1
		}
	}
	return out
}

func emit(name, doc string, rs [][2]rune) {
	fmt.Printf("/// %s\npub(crate) static %s: &[(u32, u32)] = &[\n", doc, name)
	for i, r := range rs {
		if i%4 == 0 {
			fmt.Print("   ")
		}
		fmt.Printf(" (0x%x, 0x%x),", r[0], r[1])
		if i%4 == 3 || i == len(rs)-1 {
			fmt.Println()
		}
	}
	fmt.Println("];")
	fmt.Println()
}

func main() {
	fmt.Println("//! Unicode classification tables generated from Go's `unicode` package")
	fmt.Printf("//! (%s, Unicode %s) by `tests/oracle/gentables`. Do not edit by hand.\n", runtime.Version(), unicode.Version)
	fmt.Println("//! Each table is a sorted list of inclusive code-point ranges.")
	fmt.Println()
	emit("PRINT", "Code points for which `unicode.IsPrint` is true.", ranges(unicode.IsPrint))
	emit("LETTER", "Code points for which `unicode.IsLetter` is true.", ranges(unicode.IsLetter))
	emit("DIGIT", "Code points for which `unicode.IsDigit` is true.", ranges(unicode.IsDigit))
}
