//! Route `labels:` (0.34) rendered for each aggregation group, as upstream's
//! `aggrGroup.renderRouteLabels`: each value is a text template executed over
//! the group's data (its receiver, group labels, the route's raw labels, the
//! notification reason `unknown`, and its alerts), through one shared
//! resolver so `{{ routeLabels "x" }}` cross-references render once. A label
//! that fails to render is left out and logged, never fatal.

use std::sync::Arc;
use std::time::Duration;

use tocsin_alerting::alert::Alert;
use tocsin_alerting::clock::Clock;
use tocsin_alerting::dispatch::RouteLabelRenderer;
use tocsin_alerting::flush::FlushContext;
use tocsin_alerting::notifier::NotifyContext;
use tocsin_alerting::route::RouteNode;
use tocsin_model::LabelSet;
use tocsin_notify::data::TemplateData;
use tocsin_notify::template::Templates;

/// Renders route labels with one configuration's templates.
pub struct TemplateRouteLabels {
    pub templates: Arc<Templates>,
    pub external_url: String,
    pub clock: Clock,
}

impl RouteLabelRenderer for TemplateRouteLabels {
    fn render(&self, node: &RouteNode, group_labels: &LabelSet, alerts: &[Alert]) -> LabelSet {
        let raw = &node.options().labels;
        if raw.is_empty() {
            return LabelSet::new();
        }
        let now = self.clock.now();
        let ctx = NotifyContext {
            flush: FlushContext {
                now,
                group_key: String::new(),
                group_labels: group_labels.clone(),
                route_labels: raw.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
                receiver: node.receiver().to_owned(),
                route_id: node.id().to_owned(),
                group_interval: Duration::ZERO,
                repeat_interval: Duration::ZERO,
                mute_time_intervals: Vec::new(),
                active_time_intervals: Vec::new(),
                timeout: Duration::ZERO,
            },
            notification_reason: "unknown".to_owned(),
            receiver_data: Default::default(),
        };
        let data = TemplateData::new(&ctx, alerts, &self.external_url, now);
        let renderer = self.templates.route_label_renderer(&data);
        let mut rendered = LabelSet::new();
        for (name, value) in raw {
            match renderer.render(name) {
                Ok(v) => rendered.insert(name.as_str(), v),
                Err(e) => tracing::error!(
                    label = %name, value = %value, err = %e,
                    "failed to render route label"
                ),
            }
        }
        rendered
    }
}
