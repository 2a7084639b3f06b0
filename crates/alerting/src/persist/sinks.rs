//! The store hooks that feed a [`StateWriter`]: each accepted change of the
//! silences or the notification log is encoded as its upstream record and
//! queued under the store's lock; silences wait for durability on the
//! caller's thread, the notification log hands out a future instead.

use std::sync::Arc;

use super::writer::StateWriter;
use super::{nflog_codec, silence_codec};
use crate::nflog::{Durable, LogRecord, LogSink};
use crate::silence::{SilenceRecord, SilenceSink};

/// Feeds `<storage>/silences`.
#[derive(Debug)]
pub struct SilenceFileSink(pub Arc<StateWriter>);

impl SilenceSink for SilenceFileSink {
    fn submit(&self, record: &SilenceRecord) -> u64 {
        self.0
            .put(record.silence.id.clone(), silence_codec::encode(record))
    }

    fn forget(&self, id: &str) {
        self.0.forget(id.to_owned());
    }

    fn wait(&self, ticket: u64) -> Result<(), String> {
        self.0.wait_blocking(ticket)
    }
}

/// Feeds `<storage>/nflog`.
#[derive(Debug)]
pub struct LogFileSink(pub Arc<StateWriter>);

impl LogSink for LogFileSink {
    fn submit(&self, record: &LogRecord) -> u64 {
        self.0.put(record.key(), nflog_codec::encode(record))
    }

    fn forget(&self, key: &str) {
        self.0.forget(key.to_owned());
    }

    fn wait(&self, ticket: u64) -> Durable {
        Box::pin(self.0.wait(ticket))
    }
}
