//! Go's `sort.Sort` (pattern-defeating quicksort, Go 1.19+) reproduced
//! step for step, so that elements comparing equal end up in the same order
//! as amtool prints them (`sort.Sort` is not stable: with more than twelve
//! alerts sharing a start time, or silences sharing an end time, the order
//! depends on the algorithm's exact swaps).
//!
//! The pseudo-random pattern breaker uses the xorshift shifts of current Go
//! releases (13, 7, 17), which amtool 0.34 is built with; Go 1.19–1.20 used
//! (13, 17, 5).

/// The xorshift shift triple of the pattern breaker.
#[derive(Clone, Copy)]
struct Shifts(u32, u32, u32);

/// Shifts of Go 1.21 and later.
const CURRENT_GO: Shifts = Shifts(13, 7, 17);

/// Sorts `data` exactly as Go's `sort.Sort` does with `less`.
pub fn sort_by<T>(data: &mut [T], less: impl Fn(&T, &T) -> bool) {
    sort_with_shifts(data, &less, CURRENT_GO);
}

fn sort_with_shifts<T>(data: &mut [T], less: &dyn Fn(&T, &T) -> bool, shifts: Shifts) {
    let n = data.len();
    if n <= 1 {
        return;
    }
    let limit = bits_len(n);
    let mut sorter = Sorter { data, less, shifts };
    sorter.pdqsort(0, n, limit);
}

/// Go's `bits.Len`: the number of bits needed to represent `x`.
fn bits_len(x: usize) -> usize {
    (usize::BITS - x.leading_zeros()) as usize
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

struct Sorter<'a, T> {
    data: &'a mut [T],
    less: &'a dyn Fn(&T, &T) -> bool,
    shifts: Shifts,
}

impl<T> Sorter<'_, T> {
    fn less(&self, i: usize, j: usize) -> bool {
        match (self.data.get(i), self.data.get(j)) {
            (Some(a), Some(b)) => (self.less)(a, b),
            _ => false,
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        if i < self.data.len() && j < self.data.len() {
            self.data.swap(i, j);
        }
    }

    fn insertion_sort(&mut self, a: usize, b: usize) {
        for i in a + 1..b {
            let mut j = i;
            while j > a && self.less(j, j - 1) {
                self.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    fn sift_down(&mut self, lo: usize, hi: usize, first: usize) {
        let mut root = lo;
        loop {
            let mut child = 2 * root + 1;
            if child >= hi {
                return;
            }
            if child + 1 < hi && self.less(first + child, first + child + 1) {
                child += 1;
            }
            if !self.less(first + root, first + child) {
                return;
            }
            self.swap(first + root, first + child);
            root = child;
        }
    }

    fn heap_sort(&mut self, a: usize, b: usize) {
        let first = a;
        let hi = b - a;
        for i in (0..=hi.saturating_sub(1) / 2).rev() {
            self.sift_down(i, hi, first);
        }
        for i in (0..hi).rev() {
            self.swap(first, first + i);
            self.sift_down(0, i, first);
        }
    }

    fn pdqsort(&mut self, mut a: usize, mut b: usize, mut limit: usize) {
        const MAX_INSERTION: usize = 12;
        let mut was_balanced = true;
        let mut was_partitioned = true;
        loop {
            let length = b - a;
            if length <= MAX_INSERTION {
                self.insertion_sort(a, b);
                return;
            }
            if limit == 0 {
                self.heap_sort(a, b);
                return;
            }
            if !was_balanced {
                self.break_patterns(a, b);
                limit -= 1;
            }
            let (mut pivot, mut hint) = self.choose_pivot(a, b);
            if hint == Hint::Decreasing {
                self.reverse_range(a, b);
                pivot = (b - 1) - (pivot - a);
                hint = Hint::Increasing;
            }
            if was_balanced
                && was_partitioned
                && hint == Hint::Increasing
                && self.partial_insertion_sort(a, b)
            {
                return;
            }
            if a > 0 && !self.less(a - 1, pivot) {
                a = self.partition_equal(a, b, pivot);
                continue;
            }
            let (mid, already_partitioned) = self.partition(a, b, pivot);
            was_partitioned = already_partitioned;
            let (left_len, right_len) = (mid - a, b - mid);
            let balance_threshold = length / 8;
            if left_len < right_len {
                was_balanced = left_len >= balance_threshold;
                self.pdqsort(a, mid, limit);
                a = mid + 1;
            } else {
                was_balanced = right_len >= balance_threshold;
                self.pdqsort(mid + 1, b, limit);
                b = mid;
            }
        }
    }

    /// Go's `partition`; indices are kept signed because `j` may step
    /// below `a + 1` before the loops stop.
    fn partition(&mut self, a: usize, b: usize, pivot: usize) -> (usize, bool) {
        self.swap(a, pivot);
        let (mut i, mut j) = (a as isize + 1, b as isize - 1);
        while i <= j && self.less(i as usize, a) {
            i += 1;
        }
        while i <= j && !self.less(j as usize, a) {
            j -= 1;
        }
        if i > j {
            self.swap(j as usize, a);
            return (j as usize, true);
        }
        self.swap(i as usize, j as usize);
        i += 1;
        j -= 1;
        loop {
            while i <= j && self.less(i as usize, a) {
                i += 1;
            }
            while i <= j && !self.less(j as usize, a) {
                j -= 1;
            }
            if i > j {
                break;
            }
            self.swap(i as usize, j as usize);
            i += 1;
            j -= 1;
        }
        self.swap(j as usize, a);
        (j as usize, false)
    }

    fn partition_equal(&mut self, a: usize, b: usize, pivot: usize) -> usize {
        self.swap(a, pivot);
        let (mut i, mut j) = (a as isize + 1, b as isize - 1);
        loop {
            while i <= j && !self.less(a, i as usize) {
                i += 1;
            }
            while i <= j && self.less(a, j as usize) {
                j -= 1;
            }
            if i > j {
                break;
            }
            self.swap(i as usize, j as usize);
            i += 1;
            j -= 1;
        }
        i as usize
    }

    fn partial_insertion_sort(&mut self, a: usize, b: usize) -> bool {
        const MAX_STEPS: usize = 5;
        const SHORTEST_SHIFTING: usize = 50;
        let mut i = a + 1;
        for _ in 0..MAX_STEPS {
            while i < b && !self.less(i, i - 1) {
                i += 1;
            }
            if i == b {
                return true;
            }
            if b - a < SHORTEST_SHIFTING {
                return false;
            }
            self.swap(i, i - 1);
            if i - a >= 2 {
                let mut j = i - 1;
                while j >= 1 {
                    if !self.less(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                    j -= 1;
                }
            }
            if b - i >= 2 {
                let mut j = i + 1;
                while j < b {
                    if !self.less(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                    j += 1;
                }
            }
        }
        false
    }

    fn break_patterns(&mut self, a: usize, b: usize) {
        let length = b - a;
        if length < 8 {
            return;
        }
        let mut random = length as u64;
        let Shifts(s1, s2, s3) = self.shifts;
        let modulus = 1usize << bits_len(length);
        let start = a + (length / 4) * 2 - 1;
        for idx in start..=a + (length / 4) * 2 + 1 {
            random ^= random << s1;
            random ^= random >> s2;
            random ^= random << s3;
            let mut other = (random as usize) & (modulus - 1);
            if other >= length {
                other -= length;
            }
            self.swap(idx, a + other);
        }
    }

    fn choose_pivot(&mut self, a: usize, b: usize) -> (usize, Hint) {
        const SHORTEST_NINTHER: usize = 50;
        const MAX_SWAPS: usize = 4 * 3;
        let l = b - a;
        let mut swaps = 0;
        let mut i = a + l / 4;
        let mut j = a + l / 4 * 2;
        let mut k = a + l / 4 * 3;
        if l >= 8 {
            if l >= SHORTEST_NINTHER {
                i = self.median_adjacent(i, &mut swaps);
                j = self.median_adjacent(j, &mut swaps);
                k = self.median_adjacent(k, &mut swaps);
            }
            j = self.median(i, j, k, &mut swaps);
        }
        match swaps {
            0 => (j, Hint::Increasing),
            MAX_SWAPS => (j, Hint::Decreasing),
            _ => (j, Hint::Unknown),
        }
    }

    fn order2(&self, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
        if self.less(b, a) {
            *swaps += 1;
            return (b, a);
        }
        (a, b)
    }

    fn median(&self, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
        let (a, b) = self.order2(a, b, swaps);
        let (b, _) = self.order2(b, c, swaps);
        self.order2(a, b, swaps).1
    }

    fn median_adjacent(&self, a: usize, swaps: &mut usize) -> usize {
        self.median(a - 1, a, a + 1, swaps)
    }

    fn reverse_range(&mut self, a: usize, b: usize) {
        let (mut i, mut j) = (a, b - 1);
        while i < j {
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::go_oracle;

    /// Sorts `(key, original index)` pairs by key with the given shifts.
    fn order(keys: &[u32], shifts: Shifts) -> Vec<usize> {
        let mut items: Vec<(u32, usize)> = keys.iter().copied().zip(0..).collect();
        sort_with_shifts(&mut items, &|x, y| x.0 < y.0, shifts);
        items.into_iter().map(|(_, i)| i).collect()
    }

    fn pseudo_random_keys(seed: u64, len: usize, distinct: u32) -> Vec<u32> {
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % u64::from(distinct)) as u32
            })
            .collect()
    }

    #[test]
    fn sorts_and_keeps_small_inputs_stable() {
        let keys = [3, 1, 2, 1, 3, 0];
        assert_eq!(order(&keys, CURRENT_GO), vec![5, 1, 3, 2, 0, 4]);
    }

    #[test]
    fn every_output_is_sorted() {
        for seed in 1..200 {
            let keys = pseudo_random_keys(seed, (seed as usize * 7) % 300, 1 + (seed as u32 % 9));
            let order = order(&keys, CURRENT_GO);
            let sorted: Vec<u32> = order.iter().map(|&i| keys[i]).collect();
            assert!(sorted.windows(2).all(|w| w[0] <= w[1]), "seed {seed}");
        }
    }

    /// The local Go toolchain (1.19, shifts 13/17/5) is the oracle for the
    /// algorithm itself: the permutation of tied keys must match exactly.
    #[test]
    fn permutation_matches_go_sort_sort() {
        const GO_1_19: Shifts = Shifts(13, 17, 5);
        let program = r#"package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

type item struct{ key, idx int }
type byKey []item

func (s byKey) Len() int           { return len(s) }
func (s byKey) Less(i, j int) bool { return s[i].key < s[j].key }
func (s byKey) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var items byKey
		for i, f := range strings.Fields(sc.Text()) {
			k, _ := strconv.Atoi(f)
			items = append(items, item{k, i})
		}
		sort.Sort(items)
		out := make([]string, len(items))
		for i, it := range items {
			out[i] = strconv.Itoa(it.idx)
		}
		fmt.Println(strings.Join(out, " "))
	}
}
"#;
        let cases: Vec<Vec<u32>> = (1..120)
            .map(|seed| {
                pseudo_random_keys(seed, 1 + (seed as usize * 13) % 400, 1 + (seed as u32 % 5))
            })
            .chain([vec![7; 13], vec![1; 100], (0..60).rev().collect()])
            .collect();
        let input: String = cases
            .iter()
            .map(|keys| {
                keys.iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
                    + "\n"
            })
            .collect();
        let Some(output) = go_oracle::run(program, &input) else {
            return;
        };
        for (keys, line) in cases.iter().zip(output.lines()) {
            let expected: Vec<usize> = line.split(' ').filter_map(|s| s.parse().ok()).collect();
            assert_eq!(order(keys, GO_1_19), expected, "keys {keys:?}");
        }
    }
}
