//! `time_intervals:` and `mute_time_intervals:` → the name-keyed map the
//! pipeline's time stages evaluate ([`TimeIntervals`]). Both lists share
//! one namespace; `time_intervals` wins a clash, as upstream's map fill
//! order makes it.

use tocsin_alerting::pipeline::TimeIntervals;
use tocsin_config::Config;

/// Every named interval of `config`.
pub fn build(config: &Config) -> TimeIntervals {
    config
        .mute_time_intervals
        .iter()
        .chain(&config.time_intervals)
        .map(|named| (named.name.clone(), named.time_intervals.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_intervals_become_evaluable() {
        let yaml = r#"
route: {receiver: r}
receivers: [{name: r}]
mute_time_intervals:
- name: legacy
  time_intervals: [{months: ['july']}]
time_intervals:
- name: office
  time_intervals:
  - weekdays: ['monday:friday']
    times: [{start_time: '09:00', end_time: '17:00'}]
    location: Europe/Paris
"#;
        let config = tocsin_config::load_str(yaml, "t.yml").unwrap().config;
        let intervals = build(&config);
        assert_eq!(intervals.len(), 2);
        let office = &intervals["office"];
        // Wednesday 2026-01-07 10:00 in Paris is 09:00 UTC.
        assert!(office[0].contains("2026-01-07T09:00:00Z".parse().unwrap()));
        // 17:30 Paris.
        assert!(!office[0].contains("2026-01-07T16:30:00Z".parse().unwrap()));
        // Saturday.
        assert!(!office[0].contains("2026-01-10T09:00:00Z".parse().unwrap()));
        assert!(intervals["legacy"][0].contains("2026-07-01T00:00:00Z".parse().unwrap()));
    }
}
