//! CPU time of another process, from Linux's `/proc/PID/stat`, so a pass
//! can report how much CPU the server spent on it (a figure that depends
//! less on what else the shared machine is doing than wall time does).

use std::path::PathBuf;
use std::time::Duration;

use super::LoadError;

/// Clock ticks per second of `/proc` times (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: u64 = 100;

/// User plus system CPU time of `pid` so far.
pub fn cpu_time(pid: u32) -> Result<Duration, LoadError> {
    let path = PathBuf::from(format!("/proc/{pid}/stat"));
    let text = std::fs::read_to_string(&path)?;
    parse_stat(&text).ok_or_else(|| {
        LoadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{} has no utime/stime fields", path.display()),
        ))
    })
}

/// utime + stime of a `/proc/PID/stat` line. The command name (field 2)
/// may hold spaces and parentheses, so fields are counted after its last
/// `)`: state is field 3, utime 14, stime 15.
fn parse_stat(text: &str) -> Option<Duration> {
    let after_name = text.get(text.rfind(')')? + 1..)?;
    let mut fields = after_name.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    let ticks = utime.checked_add(stime)?;
    Some(Duration::from_millis(
        ticks.saturating_mul(1000 / TICKS_PER_SECOND),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utime_and_stime() {
        let line =
            "4242 (tokio (w) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 25 0 0 20 0 6 0 100 0 0";
        assert_eq!(parse_stat(line), Some(Duration::from_millis(1750)));
        assert_eq!(parse_stat("4242 (x) S 1"), None);
    }

    #[test]
    fn this_process_has_a_cpu_time() {
        assert!(cpu_time(std::process::id()).is_ok());
    }
}
