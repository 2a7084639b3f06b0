//! Writes the benchmark configuration to standard output, so the same file
//! can be timed with both tocsin and upstream's amtool:
//! `cargo run -p tocsin-bench --bin gen-config -- 1000 50 99 > big.yml`.

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (receivers, teams, services) = match args[..] {
        [r, t, s] => (r, t, s),
        _ => (1_000, 50, 99),
    };
    print!("{}", tocsin_bench::large_config(receivers, teams, services));
}
