//! Time intervals (`time_intervals:` in alertmanager.yml): parsing of times,
//! weekdays, days of month, months, years and location, and the question
//! "does this instant fall inside the interval?".
