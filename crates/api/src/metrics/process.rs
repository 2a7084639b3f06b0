//! `process_*` metrics as client_golang's process collector exposes them,
//! read from Linux `/proc` at scrape time. On other systems, or when a file
//! cannot be read, the affected series are simply absent.

use std::fs;

use super::{Collect, FamilySnapshot, Kind, Sample};

/// Linux' `USER_HZ`, the unit of CPU times in `/proc/<pid>/stat`.
const TICKS_PER_SECOND: f64 = 100.0;

/// Collects the `process_*` families at scrape time.
pub struct ProcessCollector;

fn family(out: &mut Vec<FamilySnapshot>, name: &str, help: &str, kind: Kind, value: Option<f64>) {
    if let Some(value) = value {
        out.push(FamilySnapshot {
            name: name.to_owned(),
            help: help.to_owned(),
            kind,
            samples: vec![Sample {
                suffix: "",
                labels: Vec::new(),
                value,
            }],
        });
    }
}

/// Fields of `/proc/self/stat` after the command name, 0-based from the
/// state field (field 3 in `proc(5)`).
fn stat_fields() -> Option<Vec<String>> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    let after_comm = stat.get(stat.rfind(')')? + 1..)?;
    Some(after_comm.split_whitespace().map(str::to_owned).collect())
}

fn field(fields: &[String], proc5_number: usize) -> Option<f64> {
    fields.get(proc5_number.checked_sub(3)?)?.parse().ok()
}

fn status_kib(key: &str) -> Option<f64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kib: f64 = line
        .get(key.len()..)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib * 1024.0)
}

fn boot_time() -> Option<f64> {
    let stat = fs::read_to_string("/proc/stat").ok()?;
    stat.lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()
}

/// The soft limit of a row of `/proc/self/limits` (`unlimited` → +Inf, as
/// Go reports the maximum).
fn soft_limit(row: &str) -> Option<f64> {
    let limits = fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with(row))?;
    let soft = line.get(row.len()..)?.split_whitespace().next()?;
    if soft == "unlimited" {
        Some(1.8446744073709552e19)
    } else {
        soft.parse().ok()
    }
}

impl Collect for ProcessCollector {
    fn collect(&self, out: &mut Vec<FamilySnapshot>) {
        let stat = stat_fields();
        let cpu = stat
            .as_deref()
            .and_then(|f| Some((field(f, 14)? + field(f, 15)?) / TICKS_PER_SECOND));
        let start = stat
            .as_deref()
            .and_then(|f| field(f, 22))
            .and_then(|ticks| Some(boot_time()? + ticks / TICKS_PER_SECOND));
        let open_fds = fs::read_dir("/proc/self/fd").ok().map(|d| d.count() as f64);
        family(
            out,
            "process_cpu_seconds_total",
            "Total user and system CPU time spent in seconds.",
            Kind::Counter,
            cpu,
        );
        family(
            out,
            "process_max_fds",
            "Maximum number of open file descriptors.",
            Kind::Gauge,
            soft_limit("Max open files"),
        );
        family(
            out,
            "process_open_fds",
            "Number of open file descriptors.",
            Kind::Gauge,
            open_fds,
        );
        family(
            out,
            "process_resident_memory_bytes",
            "Resident memory size in bytes.",
            Kind::Gauge,
            status_kib("VmRSS:"),
        );
        family(
            out,
            "process_start_time_seconds",
            "Start time of the process since unix epoch in seconds.",
            Kind::Gauge,
            start,
        );
        family(
            out,
            "process_virtual_memory_bytes",
            "Virtual memory size in bytes.",
            Kind::Gauge,
            status_kib("VmSize:"),
        );
        family(
            out,
            "process_virtual_memory_max_bytes",
            "Maximum amount of virtual memory available in bytes.",
            Kind::Gauge,
            soft_limit("Max address space"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_proc_on_linux() {
        let mut out = Vec::new();
        ProcessCollector.collect(&mut out);
        if !std::path::Path::new("/proc/self/stat").exists() {
            eprintln!("SKIP: no /proc on this system");
            return;
        }
        let get = |n: &str| out.iter().find(|f| f.name == n).map(|f| f.samples[0].value);
        assert!(get("process_resident_memory_bytes").is_some_and(|v| v > 0.0));
        assert!(get("process_open_fds").is_some_and(|v| v >= 3.0));
        let start = get("process_start_time_seconds").unwrap_or_default();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or_default();
        assert!(start > 1e9 && start <= now + 1.0, "start {start} now {now}");
    }
}
