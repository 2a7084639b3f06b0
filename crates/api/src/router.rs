//! The HTTP routing of `tocsin alertmanager`, reproducing upstream's stack
//! (`app/app.go`, `api/api.go`, `httpserver/`, `api/v1_deprecation_router.go`):
//!
//! * Go's `ServeMux` in front: unclean paths (`//`, `/./`) get a 301 to the
//!   cleaned path, `<prefix>/api/v2` a 301 to `<prefix>/api/v2/`;
//! * `<prefix>/api/v2/…`: request-duration instrumentation, then the
//!   `--web.timeout` / `--web.get-concurrency` limits, then CORS (rs/cors
//!   defaults), `Cache-Control: no-store`, and the operations in [`crate::v2`];
//! * everything else through an httprouter-like table under the prefix:
//!   `/-/healthy`, `/-/ready`, `/-/reload`, `/metrics`, the `/api/v1/*`
//!   410 notices and, with a prefix, `GET /` redirecting to it; with
//!   httprouter's 301/307 trailing-slash and case fixes, 405 with `Allow`,
//!   automatic `OPTIONS`, and Go's plain-text 404.
//!
//! The result is an `axum::Router` whose fallback is this dispatcher, so
//! the binary can still add routes of its own (a UI) in front.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use http_body::Body as _;
use tocsin_model::GoDuration;
use tocsin_model::matcher::ParseMode;
use tokio::sync::Semaphore;

use crate::backend::AlertmanagerCore;
use crate::metrics::{AlertmanagerMetrics, CONTENT_TYPE};
use crate::v2::{ApiRequest, V2};

/// Request bodies larger than this are refused with 413 (upstream has no
/// limit; this only bounds memory).
pub const MAX_BODY_BYTES: usize = 64 << 20;

/// How the HTTP surface is set up (the `--web.*` flags).
#[derive(Clone, Debug)]
pub struct ApiOptions {
    /// `--web.route-prefix` (or the path of `--web.external-url`); any
    /// form, normalised to `/` + trimmed of slashes.
    pub route_prefix: String,
    /// `--web.get-concurrency`; 0 means max(available parallelism, 8).
    pub get_concurrency: usize,
    /// `--web.timeout`; zero means none.
    pub timeout: Duration,
    /// The matcher parser selected by `--enable-feature` (also decides
    /// which label names posted alerts may use).
    pub matcher_mode: ParseMode,
}

impl Default for ApiOptions {
    fn default() -> Self {
        ApiOptions {
            route_prefix: "/".to_owned(),
            get_concurrency: 0,
            timeout: Duration::ZERO,
            matcher_mode: ParseMode::Fallback,
        }
    }
}

/// `"/" + strings.Trim(prefix, "/")`.
pub fn normalize_route_prefix(prefix: &str) -> String {
    format!("/{}", prefix.trim_matches('/'))
}

/// Build the router serving everything `tocsin alertmanager` serves over
/// HTTP.
pub fn router(
    core: Arc<dyn AlertmanagerCore>,
    metrics: Arc<AlertmanagerMetrics>,
    options: ApiOptions,
) -> axum::Router {
    let dispatcher = Arc::new(Dispatcher::new(core, metrics, &options));
    axum::Router::new().fallback(move |req: Request| {
        let dispatcher = Arc::clone(&dispatcher);
        async move { dispatcher.handle(req).await }
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endpoint {
    RootRedirect,
    Healthy,
    Ready,
    Reload,
    Metrics,
    V1Removed,
}

/// One httprouter route: full path (`:sid` matches one segment), the
/// instrumentation label (path without prefix) and its methods.
struct RouteEntry {
    path: String,
    label: &'static str,
    methods: &'static [Method],
    endpoint: Endpoint,
}

impl RouteEntry {
    fn matches(&self, path: &str) -> bool {
        match self.path.strip_suffix(":sid") {
            Some(base) => path
                .strip_prefix(base)
                .is_some_and(|sid| !sid.is_empty() && !sid.contains('/')),
            None => self.path == path,
        }
    }

    /// The route's real spelling for a path matching it case-insensitively.
    fn fixed_path(&self, path: &str) -> Option<String> {
        match self.path.strip_suffix(":sid") {
            Some(base) => {
                let head = path.get(..base.len())?;
                let sid = path.get(base.len()..)?;
                (head.eq_ignore_ascii_case(base) && !sid.is_empty() && !sid.contains('/'))
                    .then(|| format!("{base}{sid}"))
            }
            None => self
                .path
                .eq_ignore_ascii_case(path)
                .then(|| self.path.clone()),
        }
    }
}

struct Dispatcher {
    v2: V2,
    metrics: Arc<AlertmanagerMetrics>,
    /// `""` without a prefix, else e.g. `/am`.
    api_prefix: String,
    routes: Vec<RouteEntry>,
    get_slots: Arc<Semaphore>,
    get_limit: usize,
    timeout: Option<Duration>,
}

const V1_BODY: &str = "{\"status\":\"deprecated\",\"error\":\"The Alertmanager v1 API was deprecated in version 0.16.0 and is removed as of version 0.27.0 - please use the equivalent route in the v2 API\"}\n";

fn text_error(status: StatusCode, text: &str) -> Response {
    // Go's http.Error: text/plain, nosniff, message plus a newline.
    let mut resp = Response::new(Body::from(format!("{text}\n")));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    resp
}

fn plain(
    status: StatusCode,
    content_type: Option<&'static str>,
    body: impl Into<Body>,
) -> Response {
    let mut resp = Response::new(body.into());
    *resp.status_mut() = status;
    if let Some(ct) = content_type {
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    resp
}

/// Go's `http.Redirect`: HTML body for GET, content type for GET/HEAD.
fn redirect(method: &Method, status: StatusCode, location: &str) -> Response {
    let get = method == Method::GET;
    let body = if get {
        let escaped = location
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;");
        format!(
            "<a href=\"{escaped}\">{}</a>.\n\n",
            status.canonical_reason().unwrap_or("")
        )
    } else {
        String::new()
    };
    let ct = (get || method == Method::HEAD).then_some("text/html; charset=utf-8");
    let mut resp = plain(status, ct, body);
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// Go's `path.Clean` as `ServeMux` applies it (trailing slash kept).
fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return "/".to_owned();
    }
    let rooted = if p.starts_with('/') {
        p.to_owned()
    } else {
        format!("/{p}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in rooted.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut cleaned = format!("/{}", parts.join("/"));
    if rooted.ends_with('/') && cleaned != "/" {
        cleaned.push('/');
    }
    cleaned
}

/// `%XX` decoding of a URL path (invalid escapes are kept as written).
fn percent_decode(p: &str) -> String {
    let b = p.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| (*c as char).to_digit(16)),
                b.get(i + 2).and_then(|c| (*c as char).to_digit(16)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn with_query(path: &str, query: Option<&str>) -> String {
    match query {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}

/// promhttp's method label: lower case.
fn method_label(m: &Method) -> String {
    m.as_str().to_ascii_lowercase()
}

/// rs/cors' check of `Access-Control-Request-Headers` against its default
/// allowed set (sorted, unique, lower case, at most one space or tab around
/// each name, a few empty elements tolerated).
fn request_headers_allowed<'a>(values: impl Iterator<Item = &'a str>) -> bool {
    const ALLOWED: [&str; 3] = ["accept", "content-type", "x-requested-with"];
    let mut last: Option<usize> = None;
    let mut empty = 0;
    for value in values {
        for name in value.split(',') {
            let trimmed = name.strip_prefix([' ', '\t']).unwrap_or(name);
            let trimmed = trimmed.strip_suffix([' ', '\t']).unwrap_or(trimmed);
            if trimmed.starts_with([' ', '\t']) || trimmed.ends_with([' ', '\t']) {
                return false;
            }
            if trimmed.is_empty() {
                empty += 1;
                if empty > 16 {
                    return false;
                }
                continue;
            }
            let Some(pos) = ALLOWED.iter().position(|a| *a == trimmed) else {
                return false;
            };
            if last.is_some_and(|l| pos <= l) {
                return false;
            }
            last = Some(pos);
        }
    }
    true
}

/// An rs/cors preflight answer (204; headers only when allowed).
fn cors_preflight(headers: &HeaderMap) -> Response {
    let mut resp = plain(StatusCode::NO_CONTENT, None, Body::empty());
    let h = resp.headers_mut();
    h.insert(
        header::VARY,
        HeaderValue::from_static(
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        ),
    );
    let origin = headers
        .get(header::ORIGIN)
        .map(HeaderValue::as_bytes)
        .unwrap_or_default();
    if origin.is_empty() {
        return resp;
    }
    let Some(method) = headers.get(header::ACCESS_CONTROL_REQUEST_METHOD) else {
        return resp;
    };
    if !matches!(method.as_bytes(), b"GET" | b"POST" | b"HEAD" | b"OPTIONS") {
        return resp;
    }
    let request_headers: Vec<&HeaderValue> = headers
        .get_all(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .iter()
        .collect();
    if !request_headers.is_empty()
        && !request_headers_allowed(request_headers.iter().filter_map(|v| v.to_str().ok()))
    {
        return resp;
    }
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method.clone());
    if let Some(first) = request_headers.first()
        && !first.is_empty()
    {
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, (*first).clone());
    }
    resp
}

/// rs/cors on an actual request, plus `Cache-Control: no-store`.
fn cors_actual(method: &Method, headers: &HeaderMap, resp: &mut Response) {
    let h = resp.headers_mut();
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let has_origin = headers.get(header::ORIGIN).is_some_and(|o| !o.is_empty());
    if has_origin && matches!(*method, Method::GET | Method::POST | Method::HEAD) {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
}

/// Keeps `alertmanager_http_requests_in_flight` in step with a GET slot.
struct InFlight<'a> {
    metrics: &'a AlertmanagerMetrics,
    _permit: tokio::sync::SemaphorePermit<'a>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.metrics.http_requests_in_flight.dec();
    }
}

impl Dispatcher {
    fn new(
        core: Arc<dyn AlertmanagerCore>,
        metrics: Arc<AlertmanagerMetrics>,
        options: &ApiOptions,
    ) -> Self {
        let prefix = normalize_route_prefix(&options.route_prefix);
        let api_prefix = if prefix == "/" {
            String::new()
        } else {
            prefix.clone()
        };
        let get_limit = if options.get_concurrency > 0 {
            options.get_concurrency
        } else {
            std::thread::available_parallelism()
                .map_or(1, usize::from)
                .max(8)
        };
        let entry =
            |path: &str, label: &'static str, methods: &'static [Method], endpoint| RouteEntry {
                path: format!("{api_prefix}{path}"),
                label,
                methods,
                endpoint,
            };
        let mut routes = Vec::new();
        if !api_prefix.is_empty() {
            routes.push(RouteEntry {
                path: "/".to_owned(),
                label: "/",
                methods: &[Method::GET],
                endpoint: Endpoint::RootRedirect,
            });
        }
        routes.extend([
            entry(
                "/-/healthy",
                "/-/healthy",
                &[Method::GET, Method::HEAD],
                Endpoint::Healthy,
            ),
            entry(
                "/-/ready",
                "/-/ready",
                &[Method::GET, Method::HEAD],
                Endpoint::Ready,
            ),
            entry("/-/reload", "/-/reload", &[Method::POST], Endpoint::Reload),
            entry("/metrics", "/metrics", &[Method::GET], Endpoint::Metrics),
            entry(
                "/api/v1/status",
                "/status",
                &[Method::GET],
                Endpoint::V1Removed,
            ),
            entry(
                "/api/v1/receivers",
                "/receivers",
                &[Method::GET],
                Endpoint::V1Removed,
            ),
            entry(
                "/api/v1/alerts",
                "/alerts",
                &[Method::GET, Method::POST],
                Endpoint::V1Removed,
            ),
            entry(
                "/api/v1/silences",
                "/silences",
                &[Method::GET, Method::POST],
                Endpoint::V1Removed,
            ),
            entry(
                "/api/v1/silence/:sid",
                "/silence/:sid",
                &[Method::GET, Method::DELETE],
                Endpoint::V1Removed,
            ),
        ]);
        Dispatcher {
            v2: V2 {
                core,
                metrics: Arc::clone(&metrics),
                mode: options.matcher_mode,
            },
            metrics,
            api_prefix,
            routes,
            get_slots: Arc::new(Semaphore::new(get_limit)),
            get_limit,
            timeout: Some(options.timeout).filter(|d| !d.is_zero()),
        }
    }

    async fn handle(&self, req: Request) -> Response {
        let (parts, body) = req.into_parts();
        let raw_path = parts.uri.path();
        let query = parts.uri.query();
        let method = &parts.method;
        // Go's ServeMux: redirect unclean paths.
        let cleaned = clean_path(raw_path);
        if cleaned != raw_path && method != Method::CONNECT {
            return redirect(
                method,
                StatusCode::MOVED_PERMANENTLY,
                &with_query(&cleaned, query),
            );
        }
        let path = percent_decode(raw_path);
        let api_root = format!("{}/api/v2", self.api_prefix);
        if path == api_root {
            return redirect(
                method,
                StatusCode::MOVED_PERMANENTLY,
                &with_query(&format!("{api_root}/"), query),
            );
        }
        if let Some(api_path) = path
            .strip_prefix(&self.api_prefix)
            .filter(|p| p.starts_with("/api/v2/"))
        {
            let started = Instant::now();
            let label = if api_path.starts_with("/api/v2/silence/") {
                "/api/v2/silence/{silenceID}"
            } else {
                api_path
            };
            let resp = self
                .limited(method, async {
                    if method == Method::OPTIONS
                        && parts
                            .headers
                            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
                    {
                        return cors_preflight(&parts.headers);
                    }
                    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
                        Ok(b) => b,
                        Err(_) => {
                            return text_error(
                                StatusCode::PAYLOAD_TOO_LARGE,
                                "request body too large",
                            );
                        }
                    };
                    let mut resp = self
                        .v2
                        .serve(ApiRequest {
                            method,
                            path: api_path,
                            query,
                            headers: &parts.headers,
                            body,
                        })
                        .await;
                    cors_actual(method, &parts.headers, &mut resp);
                    resp
                })
                .await;
            self.metrics
                .http_request_duration
                .with(&[label, &method_label(method), resp.status().as_str()])
                .observe(started.elapsed().as_secs_f64());
            return resp;
        }
        self.limited(method, self.route(method, &path, query, body))
            .await
    }

    /// upstream's `limitHandler`: GETs take a slot or get 503; the whole
    /// request runs under `--web.timeout`.
    async fn limited(&self, method: &Method, inner: impl Future<Output = Response>) -> Response {
        let guarded = async {
            let _slot = if method == Method::GET {
                match self.get_slots.try_acquire() {
                    Ok(permit) => {
                        self.metrics.http_requests_in_flight.inc();
                        Some(InFlight {
                            metrics: &self.metrics,
                            _permit: permit,
                        })
                    }
                    Err(_) => {
                        self.metrics.http_concurrency_limit_exceeded.inc();
                        return text_error(
                            StatusCode::SERVICE_UNAVAILABLE,
                            &format!(
                                "Limit of concurrent GET requests reached ({}), try again later.\n",
                                self.get_limit
                            ),
                        );
                    }
                }
            } else {
                None
            };
            inner.await
        };
        match self.timeout {
            None => guarded.await,
            Some(limit) => match tokio::time::timeout(limit, guarded).await {
                Ok(resp) => resp,
                Err(_) => plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    Some("text/plain; charset=utf-8"),
                    format!("Exceeded configured timeout of {}.\n", GoDuration(limit)),
                ),
            },
        }
    }

    /// The httprouter part.
    async fn route(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
        body: Body,
    ) -> Response {
        let for_method = |r: &&RouteEntry| r.methods.contains(method);
        if let Some(entry) = self
            .routes
            .iter()
            .filter(for_method)
            .find(|r| r.matches(path))
        {
            let started = Instant::now();
            let resp = self.serve_endpoint(entry.endpoint, method, body).await;
            let m = method_label(method);
            self.metrics
                .http_request_duration
                .with(&[entry.label, &m, resp.status().as_str()])
                .observe(started.elapsed().as_secs_f64());
            let size = resp.body().size_hint().exact().unwrap_or(0);
            self.metrics
                .http_response_size
                .with(&[entry.label, &m])
                .observe(size as f64);
            return resp;
        }
        if method != Method::CONNECT && path != "/" {
            let code = if method == Method::GET {
                StatusCode::MOVED_PERMANENTLY
            } else {
                StatusCode::TEMPORARY_REDIRECT
            };
            // Trailing-slash recommendation.
            let toggled = match path.strip_suffix('/') {
                Some(stripped) if !stripped.is_empty() => stripped.to_owned(),
                _ => format!("{path}/"),
            };
            if self
                .routes
                .iter()
                .filter(for_method)
                .any(|r| r.matches(&toggled))
            {
                return redirect(method, code, &with_query(&toggled, query));
            }
            // Case-insensitive fix of the cleaned path.
            let cleaned = clean_path(path);
            let trimmed = cleaned
                .strip_suffix('/')
                .filter(|s| !s.is_empty())
                .unwrap_or(&cleaned)
                .to_owned();
            if let Some(fixed) = self
                .routes
                .iter()
                .filter(for_method)
                .find_map(|r| r.fixed_path(&cleaned).or_else(|| r.fixed_path(&trimmed)))
            {
                return redirect(method, code, &with_query(&fixed, query));
            }
        }
        let mut allowed: Vec<&str> = self
            .routes
            .iter()
            .filter(|r| r.matches(path))
            .flat_map(|r| r.methods.iter())
            .filter(|m| *m != method && **m != Method::OPTIONS)
            .map(Method::as_str)
            .collect();
        if !allowed.is_empty() {
            allowed.push("OPTIONS");
            allowed.sort_unstable();
            allowed.dedup();
            let allow = allowed.join(", ");
            let mut resp = if method == Method::OPTIONS {
                plain(StatusCode::OK, None, Body::empty())
            } else {
                text_error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
            };
            if let Ok(v) = HeaderValue::from_str(&allow) {
                resp.headers_mut().insert(header::ALLOW, v);
            }
            return resp;
        }
        text_error(StatusCode::NOT_FOUND, "404 page not found")
    }

    async fn serve_endpoint(&self, endpoint: Endpoint, method: &Method, body: Body) -> Response {
        match endpoint {
            Endpoint::RootRedirect => redirect(method, StatusCode::FOUND, &self.api_prefix),
            Endpoint::Healthy | Endpoint::Ready => {
                if method == Method::HEAD {
                    plain(StatusCode::OK, None, Body::empty())
                } else {
                    plain(StatusCode::OK, Some("text/plain; charset=utf-8"), "OK")
                }
            }
            Endpoint::Reload => {
                drop(body);
                match self.v2.core.reload().await {
                    Ok(()) => plain(StatusCode::OK, None, Body::empty()),
                    Err(e) => text_error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &format!("failed to reload config: {e}"),
                    ),
                }
            }
            Endpoint::Metrics => plain(StatusCode::OK, Some(CONTENT_TYPE), self.metrics.render()),
            Endpoint::V1Removed => plain(StatusCode::GONE, Some("application/json"), V1_BODY),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_cleaned_as_go() {
        assert_eq!(clean_path("/api/v2//alerts"), "/api/v2/alerts");
        assert_eq!(clean_path("/a/./b/../c/"), "/a/c/");
        assert_eq!(clean_path("/.."), "/");
        assert_eq!(clean_path("/"), "/");
        assert_eq!(normalize_route_prefix("am/"), "/am");
        assert_eq!(normalize_route_prefix("/"), "/");
        assert_eq!(normalize_route_prefix(""), "/");
        assert_eq!(
            percent_decode("/api/v2/silence/a%2Db%zz"),
            "/api/v2/silence/a-b%zz"
        );
    }

    #[test]
    fn cors_request_headers() {
        assert!(request_headers_allowed(["content-type"].into_iter()));
        assert!(request_headers_allowed(
            ["accept, content-type"].into_iter()
        ));
        assert!(
            !request_headers_allowed(["content-type,accept"].into_iter()),
            "must be sorted"
        );
        assert!(!request_headers_allowed(["authorization"].into_iter()));
        assert!(
            !request_headers_allowed(["accept,  content-type"].into_iter()),
            "one space at most"
        );
    }
}
