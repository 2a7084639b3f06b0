//! Conversions between the API crate's plain data ([`tocsin_api`]) and the
//! alerting core's types: alerts both ways, silences both ways, silence
//! errors to the API's classification. Times keep their UTC offset.

use tocsin_alerting::alert::Time;
use tocsin_alerting::silence::{Silence, SilenceError, SilenceMatcher};
use tocsin_alerting::store::{AlertTimes, StoredAlert};
use tocsin_api::{CoreError, DateTime};

fn api_time(t: Time) -> DateTime {
    DateTime {
        instant: t.instant,
        offset: t.offset,
    }
}

fn core_time(t: DateTime) -> Time {
    Time {
        instant: t.instant,
        offset: t.offset,
    }
}

/// A stored alert as the API shows it.
pub fn api_alert(a: &StoredAlert) -> tocsin_api::Alert {
    tocsin_api::Alert {
        labels: a.labels().to_owned(),
        annotations: a.annotations().to_owned(),
        starts_at: api_time(a.starts_at()),
        ends_at: api_time(a.ends_at()),
        updated_at: api_time(a.updated_at()),
        generator_url: a.generator_url().to_owned(),
        timeout: a.timeout(),
    }
}

/// A posted (defaulted, validated) alert in the store's form.
pub fn stored_alert(a: &tocsin_api::Alert) -> StoredAlert {
    StoredAlert::from_parts(
        a.labels.view(),
        a.annotations.view(),
        &a.generator_url,
        AlertTimes {
            starts_at: core_time(a.starts_at),
            ends_at: core_time(a.ends_at),
            updated_at: core_time(a.updated_at),
            timeout: a.timeout,
        },
    )
}

/// A stored silence for the API, which knows one matcher set only
/// (upstream's message otherwise).
pub fn api_silence(s: Silence) -> Result<tocsin_api::Silence, CoreError> {
    let mut sets = s.matcher_sets.into_iter();
    let matchers = match (sets.next(), sets.next()) {
        (first, None) => first.unwrap_or_default(),
        (Some(_), Some(_)) => {
            return Err(CoreError(format!(
                "silence '{}' has multiple matcher sets which is not supported by this API version",
                s.id
            )));
        }
        (None, Some(_)) => Vec::new(),
    };
    Ok(tocsin_api::Silence {
        id: s.id,
        matchers: matchers
            .into_iter()
            .map(|m| tocsin_api::SilenceMatcher {
                name: m.name,
                value: m.pattern,
                kind: m.kind,
            })
            .collect(),
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        updated_at: s.updated_at,
        created_by: s.created_by,
        comment: s.comment,
        annotations: s.annotations,
    })
}

/// A silence to create or update.
pub fn core_silence(n: tocsin_api::NewSilence) -> Silence {
    Silence {
        id: n.id.unwrap_or_default(),
        matcher_sets: vec![
            n.matchers
                .into_iter()
                .map(|m| SilenceMatcher {
                    kind: m.kind,
                    name: m.name,
                    pattern: m.value,
                })
                .collect(),
        ],
        starts_at: n.starts_at,
        ends_at: n.ends_at,
        updated_at: n.starts_at,
        created_by: n.created_by,
        comment: n.comment,
        annotations: n.annotations,
    }
}

/// Upstream answers 404 for an unknown ID and 400 for everything else.
pub fn silence_error(e: SilenceError) -> tocsin_api::SilenceError {
    match e {
        SilenceError::NotFound => tocsin_api::SilenceError::NotFound,
        SilenceError::Persist(e) => tocsin_api::SilenceError::Internal(e),
        other => tocsin_api::SilenceError::Invalid(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tocsin_model::MatchType;

    fn silence(sets: usize) -> Silence {
        Silence {
            id: "id-1".into(),
            matcher_sets: (0..sets)
                .map(|i| {
                    vec![SilenceMatcher {
                        kind: MatchType::Regexp,
                        name: "a".into(),
                        pattern: format!("v{i}"),
                    }]
                })
                .collect(),
            starts_at: jiff::Timestamp::UNIX_EPOCH,
            ends_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
            created_by: "me".into(),
            comment: "c".into(),
            annotations: Default::default(),
        }
    }

    #[test]
    fn one_matcher_set_round_trips() {
        let api = api_silence(silence(1)).unwrap();
        assert_eq!(api.matchers.len(), 1);
        assert_eq!(api.matchers[0].value, "v0");
        assert_eq!(api.matchers[0].kind, MatchType::Regexp);
    }

    #[test]
    fn several_matcher_sets_are_refused_with_upstream_message() {
        assert_eq!(
            api_silence(silence(2)).unwrap_err().0,
            "silence 'id-1' has multiple matcher sets which is not supported by this API version"
        );
    }

    #[test]
    fn errors_map_to_api_classes() {
        assert_eq!(
            silence_error(SilenceError::NotFound),
            tocsin_api::SilenceError::NotFound
        );
        assert_eq!(
            silence_error(SilenceError::TooMany { count: 2, limit: 2 }),
            tocsin_api::SilenceError::Invalid(
                "exceeded maximum number of silences: 2 (limit: 2)".into()
            )
        );
    }
}
