//! `tocsin silence expire` (amtool's `cli/silence_expire.go`): expires the
//! given silences in order, stopping at the first failure.

use clap::Args;

use crate::client::session::Prepared;
use crate::client::{ClientFlags, Failure};

#[derive(Debug, Args)]
pub struct SilenceExpireCommand {
    #[command(flatten)]
    pub client: ClientFlags,

    /// Ids of silences to expire.
    #[arg(value_name = "SILENCE-IDS")]
    pub silence_ids: Vec<String>,
}

pub fn run(outer: &ClientFlags, cmd: &SilenceExpireCommand) -> Result<(), Failure> {
    let session = Prepared::new(outer, &cmd.client)?.connect()?;
    if cmd.silence_ids.is_empty() {
        return Err(Failure::error("no silence IDs specified"));
    }
    let api = session.api()?;
    session.block_on(async {
        for id in &cmd.silence_ids {
            api.delete_silence(id, session.deadline()).await?;
        }
        Ok(())
    })
}
