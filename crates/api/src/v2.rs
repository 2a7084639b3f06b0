//! The API v2 operations behind `/api/v2/`: go-swagger's routing (404/405
//! bodies), content checks (415/406), parameter binding and body
//! validation (400/422), then upstream's handlers (`api/v2/api.go`) written
//! against [`AlertmanagerCore`]. CORS, `Cache-Control` and the route prefix
//! are applied around this by [`crate::router`].

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use jiff::{SignedDuration, Timestamp};
use tocsin_model::goquote::go_quote;
use tocsin_model::labels::is_valid_legacy_label_name;
use tocsin_model::matcher::ParseMode;
use tocsin_model::{Fingerprint, MatchType, Matcher, PackedLabelSet};

use crate::backend::{
    Alert, AlertGroup, AlertStatus, AlertmanagerCore, NewSilence, RoutedAlert, SilenceError,
    SilenceMatcher,
};
use crate::filter::{
    SilenceState, alert_order, current_state, group_order, matches_filter, query_state,
    receivers_match_labels, silence_matches_filter, sort_silences,
};
use crate::metrics::AlertmanagerMetrics;
use crate::query::{Query, parse_filter, receiver_regex};
use crate::strfmt::{DateTime, is_uuid};
use crate::wire::{self, BodyError, GettableAlert};

/// What the operations share.
pub(crate) struct V2 {
    pub core: Arc<dyn AlertmanagerCore>,
    pub metrics: Arc<AlertmanagerMetrics>,
    pub mode: ParseMode,
}

/// One request as the API sees it, after the route prefix is stripped.
pub(crate) struct ApiRequest<'a> {
    pub method: &'a Method,
    /// The path from `/api/v2/` on, as requested.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: Bytes,
}

#[derive(Debug, PartialEq, Eq)]
enum Operation {
    GetStatus,
    GetReceivers,
    GetAlerts,
    PostAlerts,
    GetAlertGroups,
    GetSilences,
    PostSilences,
    GetSilence(String),
    DeleteSilence(String),
}

/// Why go-swagger's router did not find an operation.
#[derive(Debug, PartialEq, Eq)]
enum NoRoute {
    NotFound,
    /// The methods the path supports, as the `Allow` header lists them.
    MethodNotAllowed(&'static str),
}

fn route(method: &Method, path: &str) -> Result<Operation, NoRoute> {
    let rest = path.strip_prefix("/api/v2").ok_or(NoRoute::NotFound)?;
    let rest = if rest.len() > 1 {
        rest.strip_suffix('/').unwrap_or(rest)
    } else {
        rest
    };
    let m = method.as_str();
    let pick =
        |allow: &'static str, get: Option<Operation>, other: Option<(&str, Operation)>| match (
            m, get, other,
        ) {
            ("GET", Some(op), _) => Ok(op),
            (_, _, Some((om, op))) if om == m => Ok(op),
            _ => Err(NoRoute::MethodNotAllowed(allow)),
        };
    match rest {
        "/status" => pick("GET", Some(Operation::GetStatus), None),
        "/receivers" => pick("GET", Some(Operation::GetReceivers), None),
        "/alerts" => pick(
            "GET,POST",
            Some(Operation::GetAlerts),
            Some(("POST", Operation::PostAlerts)),
        ),
        "/alerts/groups" => pick("GET", Some(Operation::GetAlertGroups), None),
        "/silences" => pick(
            "GET,POST",
            Some(Operation::GetSilences),
            Some(("POST", Operation::PostSilences)),
        ),
        _ => match rest.strip_prefix("/silence/") {
            Some(id) if !id.is_empty() && !id.contains('/') => pick(
                "GET,DELETE",
                Some(Operation::GetSilence(id.to_owned())),
                Some(("DELETE", Operation::DeleteSilence(id.to_owned()))),
            ),
            _ => Err(NoRoute::NotFound),
        },
    }
}

fn response(status: StatusCode, content_type: Option<&'static str>, body: String) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    if let Some(ct) = content_type {
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    resp
}

/// A JSON payload written by go-swagger's producer.
fn json(status: StatusCode, mut body: String) -> Response {
    body.push('\n');
    response(status, Some("application/json"), body)
}

/// A handler's string payload (400/404/500 bodies).
fn message(status: StatusCode, text: &str) -> Response {
    response(status, Some("application/json"), wire::string_payload(text))
}

/// A go-openapi error (`{"code":…,"message":…}`).
fn api_error(status: StatusCode, code: u16, text: &str) -> Response {
    response(
        status,
        Some("application/json"),
        wire::error_object(code, text),
    )
}

/// A success without payload: go-swagger removes the content type.
fn empty(status: StatusCode) -> Response {
    response(status, None, String::new())
}

fn body_error(e: BodyError) -> Response {
    match e {
        BodyError::Parse(m) => api_error(StatusCode::BAD_REQUEST, 400, &m),
        BodyError::Validation { code, message } => {
            api_error(StatusCode::UNPROCESSABLE_ENTITY, code, &message)
        }
    }
}

/// go-openapi's `Accept` negotiation: only `application/json` is produced.
fn accepts_json(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if accept.trim().is_empty() {
        return true;
    }
    accept.split(',').any(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            p.split_once('=').is_some_and(|(k, v)| {
                k.trim() == "q" && v.trim().parse::<f64>().is_ok_and(|q| q <= 0.0)
            })
        });
        !refused && matches!(media, "*/*" | "application/*" | "application/json")
    })
}

/// The body's media type must be `application/json` (params allowed);
/// otherwise the 415 answer.
fn unsupported_media_type(headers: &HeaderMap) -> Option<Response> {
    let raw = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = raw
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let media = if media.is_empty() {
        "application/octet-stream".to_owned()
    } else {
        media
    };
    if media == "application/json" {
        return None;
    }
    Some(api_error(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        415,
        &format!(
            "unsupported media type {}, only [application/json] are allowed",
            go_quote(&media)
        ),
    ))
}

fn not_acceptable() -> Response {
    api_error(
        StatusCode::NOT_ACCEPTABLE,
        406,
        "unsupported media type requested, only [application/json] are available",
    )
}

/// Go's zero `time.Time` (0001-01-01T00:00:00Z): an explicit zero time
/// counts as absent, as `IsZero` does upstream.
fn go_zero_time() -> Timestamp {
    Timestamp::from_second(-62_135_596_800).unwrap_or(Timestamp::MIN)
}

impl V2 {
    pub(crate) async fn serve(&self, req: ApiRequest<'_>) -> Response {
        let op = match route(req.method, req.path) {
            Ok(op) => op,
            Err(NoRoute::NotFound) => {
                return api_error(
                    StatusCode::NOT_FOUND,
                    404,
                    &format!("path {} was not found", req.path),
                );
            }
            Err(NoRoute::MethodNotAllowed(allow)) => {
                let mut resp = api_error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    405,
                    &format!("method {} is not allowed, but [{allow}] are", req.method),
                );
                resp.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
                return resp;
            }
        };
        let has_body = !req.body.is_empty();
        if matches!(op, Operation::PostAlerts | Operation::PostSilences)
            && has_body
            && let Some(resp) = unsupported_media_type(req.headers)
        {
            return resp;
        }
        let query = Query::parse(req.query);
        match op {
            Operation::GetStatus => self.negotiated(req.headers, || self.get_status()),
            Operation::GetReceivers => self.negotiated(req.headers, || self.get_receivers(&query)),
            Operation::GetAlerts => {
                if !accepts_json(req.headers) {
                    return not_acceptable();
                }
                self.get_alerts(&query).await
            }
            Operation::PostAlerts => self.post_alerts(&req.body).await,
            Operation::GetAlertGroups => {
                if !accepts_json(req.headers) {
                    return not_acceptable();
                }
                self.get_alert_groups(&query).await
            }
            Operation::GetSilences => {
                if !accepts_json(req.headers) {
                    return not_acceptable();
                }
                self.get_silences(&query).await
            }
            Operation::PostSilences => {
                let silence = match wire::decode_silence(&req.body) {
                    Ok(s) => s,
                    Err(e) => return body_error(e),
                };
                if !accepts_json(req.headers) {
                    return not_acceptable();
                }
                self.post_silences(silence).await
            }
            Operation::GetSilence(id) | Operation::DeleteSilence(id) if !is_uuid(&id) => api_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                wire::CODE_INVALID_TYPE,
                &format!("silenceID in path must be of type uuid: {}", go_quote(&id)),
            ),
            Operation::GetSilence(id) => {
                if !accepts_json(req.headers) {
                    return not_acceptable();
                }
                self.get_silence(&id).await
            }
            Operation::DeleteSilence(id) => {
                if !accepts_json(req.headers) {
                    return not_acceptable();
                }
                self.delete_silence(&id).await
            }
        }
    }

    fn negotiated(&self, headers: &HeaderMap, f: impl FnOnce() -> Response) -> Response {
        if accepts_json(headers) {
            f()
        } else {
            not_acceptable()
        }
    }

    fn get_status(&self) -> Response {
        let mut out = String::new();
        wire::write_status(&mut out, &self.core.status());
        json(StatusCode::OK, out)
    }

    fn get_receivers(&self, query: &Query) -> Response {
        let matchers = match parse_filter(&query.all("receiver_matchers"), self.mode) {
            Ok(m) => m,
            Err(e) => {
                return message(
                    StatusCode::BAD_REQUEST,
                    &format!("failed to parse receiver_matchers param: {e}"),
                );
            }
        };
        let mut out = String::from("[");
        let mut first = true;
        for r in self.core.receivers() {
            if !matchers.is_empty() && !matches_filter(&matchers, &r.labels) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            wire::write_receiver(&mut out, &r);
        }
        out.push(']');
        json(StatusCode::OK, out)
    }

    /// The parameters `GET /alerts` and `GET /alerts/groups` share, in
    /// upstream's parsing order; errors are the 400 message.
    fn alert_filters(&self, query: &Query) -> Result<AlertFilters, String> {
        let matchers = parse_filter(&query.all("filter"), self.mode)?;
        let receiver = match query.last_non_empty("receiver") {
            Some(r) => Some(receiver_regex(r)?),
            None => None,
        };
        let receiver_matchers = parse_filter(&query.all("receiver_matchers"), self.mode)
            .map_err(|e| format!("failed to parse receiver_matchers param: {e}"))?;
        Ok(AlertFilters {
            matchers,
            receiver,
            receiver_matchers,
            active: query.flag("active"),
            silenced: query.flag("silenced"),
            inhibited: query.flag("inhibited"),
        })
    }

    /// `alertFilter`: not yet resolved, label matchers, then the predicted
    /// status against the `active`/`silenced`/`inhibited` flags.
    fn keep_alert(
        &self,
        f: &AlertFilters,
        alert: &Alert,
        fingerprint: Fingerprint,
        now: Timestamp,
        statuses: &mut StatusCache,
    ) -> Option<AlertStatus> {
        if alert.ends_at.instant < now {
            return None;
        }
        if !matches_filter(&f.matchers, &alert.labels) {
            return None;
        }
        let status = statuses.get(self.core.as_ref(), fingerprint, &alert.labels);
        status_passes(f, &status).then_some(status)
    }

    async fn get_alerts(&self, query: &Query) -> Response {
        let filters = match self.alert_filters(query) {
            Ok(f) => f,
            Err(e) => return message(StatusCode::BAD_REQUEST, &e),
        };
        let alerts = match self.core.alerts().await {
            Ok(a) => a,
            Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, &e.0),
        };
        let configured = if filters.receiver_matchers.is_empty() {
            Vec::new()
        } else {
            self.core.receivers()
        };
        let now = self.core.now();
        // The cheap filters first, then the status of what is left, which
        // is predicted per alert (silences, inhibition) on every core.
        let candidates: Vec<RoutedAlert> = alerts
            .into_iter()
            .filter(|routed| {
                filters
                    .receiver
                    .as_ref()
                    .is_none_or(|re| routed.receivers.iter().any(|r| re.is_match(r)))
                    && (filters.receiver_matchers.is_empty()
                        || receivers_match_labels(
                            &routed.receivers,
                            &filters.receiver_matchers,
                            &configured,
                        ))
                    && routed.alert.ends_at.instant >= now
                    && matches_filter(&filters.matchers, &routed.alert.labels)
            })
            .collect();
        let statuses = predict_statuses(self.core.as_ref(), &candidates);
        let mut kept: Vec<(RoutedAlert, AlertStatus)> = candidates
            .into_iter()
            .zip(statuses)
            .filter(|(_, status)| status_passes(&filters, status))
            .collect();
        // Fingerprints print as 16 hex digits: numeric order is the order
        // of their text.
        kept.sort_by_key(|(routed, _)| routed.fingerprint);
        let mut out = String::from("[");
        let count = kept.len();
        for (i, (routed, status)) in kept.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            wire::write_gettable_alert(
                &mut out,
                &GettableAlert {
                    alert: &routed.alert,
                    fingerprint: routed.fingerprint,
                    receivers: &routed.receivers,
                    status: &status,
                    muted_by: &[],
                },
            );
            if i == 0 {
                // Size the body once from the first alert (plus an eighth
                // for longer ones, at most 128 MiB in case the first one is
                // unusually large) instead of doubling it again and again.
                const MAX_PRESIZE: usize = 128 << 20;
                out.reserve(out.len().saturating_mul(count + count / 8).min(MAX_PRESIZE));
            }
        }
        out.push(']');
        json(StatusCode::OK, out)
    }

    async fn get_alert_groups(&self, query: &Query) -> Response {
        let filters = match self.alert_filters(query) {
            Ok(f) => f,
            Err(e) => return message(StatusCode::BAD_REQUEST, &e),
        };
        let muted = query.flag("muted");
        let configured = if filters.receiver_matchers.is_empty() {
            Vec::new()
        } else {
            self.core.receivers()
        };
        let groups = match self.core.alert_groups().await {
            Ok(g) => g,
            Err(_) => return message(StatusCode::INTERNAL_SERVER_ERROR, ""),
        };
        let now = self.core.now();
        let mut statuses = StatusCache::new(self.core.as_ref());
        let mut receivers: HashMap<Fingerprint, Vec<String>> = HashMap::new();
        let mut kept: Vec<(AlertGroup, Vec<AlertStatus>)> = Vec::new();
        for mut group in groups {
            // The route filter: receiver regex, then receiver labels.
            if let Some(re) = &filters.receiver
                && !re.is_match(&group.receiver)
            {
                continue;
            }
            if !filters.receiver_matchers.is_empty() {
                let labelled = configured.iter().find(|r| r.name == group.receiver);
                if !labelled.is_some_and(|r| matches_filter(&filters.receiver_matchers, &r.labels))
                {
                    continue;
                }
            }
            let mut alerts = Vec::with_capacity(group.alerts.len());
            for alert in std::mem::take(&mut group.alerts) {
                let fingerprint = alert.labels.fingerprint();
                if let Some(status) =
                    self.keep_alert(&filters, &alert, fingerprint, now, &mut statuses)
                {
                    receivers
                        .entry(fingerprint)
                        .or_default()
                        .push(group.receiver.clone());
                    alerts.push((alert, status));
                }
            }
            if alerts.is_empty() {
                continue;
            }
            alerts.sort_by(|a, b| alert_order(&a.0, &b.0));
            let (alerts, group_statuses): (Vec<Alert>, Vec<AlertStatus>) =
                alerts.into_iter().unzip();
            group.alerts = alerts;
            kept.push((group, group_statuses));
        }
        for list in receivers.values_mut() {
            list.sort();
        }
        kept.sort_by(|a, b| group_order(&a.0, &b.0));
        let mut out = String::from("[");
        let mut first = true;
        for (group, group_statuses) in &kept {
            if !muted && !group.muted_by.is_empty() {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str("{\"alerts\":[");
            for (i, (alert, status)) in group.alerts.iter().zip(group_statuses).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let fingerprint = alert.labels.fingerprint();
                let rcv = receivers
                    .get(&fingerprint)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                wire::write_gettable_alert(
                    &mut out,
                    &GettableAlert {
                        alert,
                        fingerprint,
                        receivers: rcv,
                        status,
                        muted_by: &group.muted_by,
                    },
                );
            }
            out.push_str("],\"labels\":");
            crate::gojson::write_string_map(&mut out, group.labels.iter(), false);
            out.push_str(",\"receiver\":{\"name\":");
            crate::gojson::write_string(&mut out, &group.receiver, false);
            out.push_str("},\"routeLabels\":");
            crate::gojson::write_string_map(&mut out, group.route_labels.iter(), false);
            out.push('}');
        }
        out.push(']');
        json(StatusCode::OK, out)
    }

    async fn post_alerts(&self, body: &[u8]) -> Response {
        let posted = match wire::decode_alerts(body) {
            Ok(p) => p,
            Err(e) => return body_error(e),
        };
        let now = self.core.now();
        let resolve_timeout =
            SignedDuration::try_from(self.core.resolve_timeout()).unwrap_or(SignedDuration::MAX);
        let zero = go_zero_time();
        let firing = self.metrics.alerts_received_firing();
        let resolved = self.metrics.alerts_received_resolved();
        let classic = self.mode == ParseMode::Classic;
        let mut valid = Vec::with_capacity(posted.len());
        let mut errors: Vec<String> = Vec::new();
        for p in posted {
            let given = |t: Option<DateTime>| t.filter(|t| t.instant != zero);
            let mut starts_at = given(p.starts_at);
            let mut ends_at = given(p.ends_at);
            let mut timeout = false;
            if starts_at.is_none() {
                starts_at = Some(ends_at.unwrap_or(DateTime::utc(now)));
            }
            if ends_at.is_none() {
                timeout = true;
                ends_at = Some(DateTime::utc(
                    now.checked_add(resolve_timeout).unwrap_or(Timestamp::MAX),
                ));
            }
            let (Some(starts_at), Some(ends_at)) = (starts_at, ends_at) else {
                continue;
            };
            if ends_at.instant > now {
                firing.inc();
            } else {
                resolved.inc();
            }
            let labels = p.labels.unwrap_or_default().without_empty_values();
            let annotations = p.annotations.unwrap_or_default();
            let alert = Alert {
                labels,
                annotations,
                starts_at,
                ends_at,
                updated_at: DateTime::utc(now),
                generator_url: p.generator_url,
                timeout,
            };
            match validate_alert(&alert, classic) {
                Ok(()) => valid.push(alert),
                Err(e) => {
                    self.metrics.alerts_invalid.inc();
                    errors.push(e);
                }
            }
        }
        if let Err(e) = self.core.put_alerts(valid).await {
            return message(StatusCode::INTERNAL_SERVER_ERROR, &e.0);
        }
        if !errors.is_empty() {
            // 0.34 joins with `errors.Join` (one error per line).
            return message(StatusCode::BAD_REQUEST, &errors.join("\n"));
        }
        empty(StatusCode::OK)
    }

    async fn get_silences(&self, query: &Query) -> Response {
        let matchers = match parse_filter(&query.all("filter"), self.mode) {
            Ok(m) => m,
            Err(e) => return message(StatusCode::BAD_REQUEST, &e),
        };
        let wanted = |s: SilenceState| match s {
            SilenceState::Active => query.flag("active"),
            SilenceState::Expired => query.flag("expired"),
            SilenceState::Pending => query.flag("pending"),
        };
        let silences = match self.core.silences().await {
            Ok(s) => s,
            Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, &e.0),
        };
        let now = self.core.now();
        let mut kept: Vec<_> = silences
            .into_iter()
            .filter(|s| wanted(query_state(s, now)) && silence_matches_filter(s, &matchers))
            .map(|s| {
                let state = current_state(&s, now);
                (s, state)
            })
            .collect();
        sort_silences(&mut kept);
        let mut out = String::from("[");
        for (i, (s, state)) in kept.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            wire::write_gettable_silence(&mut out, s, state.as_str());
        }
        out.push(']');
        json(StatusCode::OK, out)
    }

    async fn post_silences(&self, silence: wire::PostableSilence) -> Response {
        let starts_at = silence.starts_at.instant;
        let ends_at = silence.ends_at.instant;
        if starts_at >= ends_at {
            return message(
                StatusCode::BAD_REQUEST,
                "Failed to create silence: start time must be before end time",
            );
        }
        if ends_at < self.core.now() {
            return message(
                StatusCode::BAD_REQUEST,
                "Failed to create silence: end time can't be in the past",
            );
        }
        let matchers = silence
            .matchers
            .into_iter()
            .map(|m| SilenceMatcher {
                name: m.name,
                value: m.value,
                kind: match (m.is_equal, m.is_regex) {
                    (true, false) => MatchType::Equal,
                    (false, false) => MatchType::NotEqual,
                    (true, true) => MatchType::Regexp,
                    (false, true) => MatchType::NotRegexp,
                },
            })
            .collect();
        let new = NewSilence {
            id: Some(silence.id).filter(|id| !id.is_empty()),
            matchers,
            starts_at,
            ends_at,
            created_by: silence.created_by,
            comment: silence.comment,
            annotations: silence.annotations,
        };
        match self.core.set_silence(new).await {
            Ok(id) => {
                let mut out = String::from("{\"silenceID\":");
                crate::gojson::write_string(&mut out, &id, false);
                out.push('}');
                json(StatusCode::OK, out)
            }
            Err(SilenceError::NotFound) => {
                message(StatusCode::NOT_FOUND, &SilenceError::NotFound.to_string())
            }
            Err(SilenceError::Invalid(e) | SilenceError::Internal(e)) => {
                message(StatusCode::BAD_REQUEST, &e)
            }
        }
    }

    async fn get_silence(&self, id: &str) -> Response {
        match self.core.silence(id).await {
            Ok(Some(s)) => {
                let state = current_state(&s, self.core.now());
                let mut out = String::new();
                wire::write_gettable_silence(&mut out, &s, state.as_str());
                json(StatusCode::OK, out)
            }
            Ok(None) => empty(StatusCode::NOT_FOUND),
            Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, &e.0),
        }
    }

    async fn delete_silence(&self, id: &str) -> Response {
        match self.core.expire_silence(id).await {
            Ok(()) => empty(StatusCode::OK),
            Err(SilenceError::NotFound) => empty(StatusCode::NOT_FOUND),
            Err(SilenceError::Invalid(e) | SilenceError::Internal(e)) => {
                message(StatusCode::INTERNAL_SERVER_ERROR, &e)
            }
        }
    }
}

struct AlertFilters {
    matchers: Vec<Matcher>,
    receiver: Option<tocsin_model::GoRegex>,
    receiver_matchers: Vec<Matcher>,
    active: bool,
    silenced: bool,
    inhibited: bool,
}

/// Whether an alert with `status` passes the `active` / `silenced` /
/// `inhibited` query flags.
fn status_passes(f: &AlertFilters, status: &AlertStatus) -> bool {
    let state_ok = f.active || status.state != crate::backend::AlertState::Active;
    let silenced_ok = f.silenced || status.silenced_by.is_empty();
    let inhibited_ok = f.inhibited || status.inhibited_by.is_empty();
    state_ok && silenced_ok && inhibited_ok
}

/// The predicted status of every alert of a listing, in order. Every alert
/// is distinct, so nothing is cached; the work is split across the
/// machine's cores (at most four threads), since with tens of thousands of
/// silences it is the listing's largest cost after writing the JSON.
fn predict_statuses(core: &dyn AlertmanagerCore, alerts: &[RoutedAlert]) -> Vec<AlertStatus> {
    if core.all_statuses_active() {
        return alerts
            .iter()
            .map(|_| AlertStatus {
                state: crate::backend::AlertState::Active,
                silenced_by: Vec::new(),
                inhibited_by: Vec::new(),
            })
            .collect();
    }
    const MIN_PER_THREAD: usize = 2_048;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(alerts.len() / MIN_PER_THREAD)
        .max(1);
    let chunk = alerts.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = alerts
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|routed| core.alert_status(routed.alert.labels.view()))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Predicted statuses within one request: the same labels always get the
/// same answer, so each label set is evaluated once, and none is when the
/// core says every status is plain `active`.
struct StatusCache {
    all_active: bool,
    known: HashMap<Fingerprint, AlertStatus>,
}

impl StatusCache {
    fn new(core: &dyn AlertmanagerCore) -> StatusCache {
        StatusCache {
            all_active: core.all_statuses_active(),
            known: HashMap::new(),
        }
    }

    fn get(
        &mut self,
        core: &dyn AlertmanagerCore,
        fingerprint: Fingerprint,
        labels: &PackedLabelSet,
    ) -> AlertStatus {
        if self.all_active {
            return AlertStatus {
                state: crate::backend::AlertState::Active,
                silenced_by: Vec::new(),
                inhibited_by: Vec::new(),
            };
        }
        self.known
            .entry(fingerprint)
            .or_insert_with(|| core.alert_status(labels.view()))
            .clone()
    }
}

/// `alert.Validate` (the start time is always set by then).
fn validate_alert(alert: &Alert, classic: bool) -> Result<(), String> {
    if alert.ends_at.instant < alert.starts_at.instant {
        return Err("start time must be before end time".to_owned());
    }
    if alert.labels.is_empty() {
        return Err("at least one label pair required".to_owned());
    }
    let valid_name = |n: &str| {
        if classic {
            is_valid_legacy_label_name(n)
        } else {
            !n.is_empty()
        }
    };
    if let Some(name) = alert.labels.names().find(|n| !valid_name(n)) {
        return Err(format!(
            "invalid label set: invalid name {}",
            go_quote(name)
        ));
    }
    if let Some(name) = alert.annotations.names().find(|n| !valid_name(n)) {
        return Err(format!(
            "invalid annotations: invalid name {}",
            go_quote(name)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_as_go_swagger() {
        assert_eq!(
            route(&Method::GET, "/api/v2/alerts/"),
            Ok(Operation::GetAlerts)
        );
        assert_eq!(
            route(&Method::POST, "/api/v2/alerts"),
            Ok(Operation::PostAlerts)
        );
        assert_eq!(
            route(&Method::PUT, "/api/v2/alerts"),
            Err(NoRoute::MethodNotAllowed("GET,POST"))
        );
        assert_eq!(
            route(&Method::HEAD, "/api/v2/status"),
            Err(NoRoute::MethodNotAllowed("GET"))
        );
        assert_eq!(route(&Method::GET, "/api/v2/"), Err(NoRoute::NotFound));
        assert_eq!(
            route(&Method::GET, "/api/v2/silence/"),
            Err(NoRoute::NotFound)
        );
        assert_eq!(
            route(&Method::DELETE, "/api/v2/silence/x"),
            Ok(Operation::DeleteSilence("x".into()))
        );
        assert_eq!(
            route(&Method::POST, "/api/v2/silence/x"),
            Err(NoRoute::MethodNotAllowed("GET,DELETE"))
        );
    }

    #[test]
    fn accept_negotiation() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
            accepts_json(&h)
        };
        // Verdicts observed on Alertmanager 0.25 (406 or 200).
        assert!(!with("text/html"));
        assert!(with("text/html, application/json;q=0.9"));
        assert!(with("application/*"));
        assert!(!with("application/json;q=0"));
        assert!(with("*/*;q=0.1"));
        assert!(!with("Application/JSON"));
        assert!(with(""));
        assert!(accepts_json(&HeaderMap::new()));
    }

    #[test]
    fn alert_validation_messages() {
        let t = DateTime::utc(Timestamp::UNIX_EPOCH);
        let later = DateTime::utc(Timestamp::from_second(10).unwrap());
        let mut a = Alert {
            labels: [("a-b", "x")].into_iter().collect(),
            annotations: PackedLabelSet::new(),
            starts_at: t,
            ends_at: later,
            updated_at: t,
            generator_url: String::new(),
            timeout: false,
        };
        assert_eq!(validate_alert(&a, false), Ok(()));
        assert_eq!(
            validate_alert(&a, true),
            Err("invalid label set: invalid name \"a-b\"".into())
        );
        a.labels = PackedLabelSet::new();
        assert_eq!(
            validate_alert(&a, false),
            Err("at least one label pair required".into())
        );
        a.ends_at = t;
        a.starts_at = later;
        assert_eq!(
            validate_alert(&a, false),
            Err("start time must be before end time".into())
        );
    }
}
