//! Log hygiene (docs/render.md §6): prompts, narratives and the player's text never reach a log; a
//! prompt shows only as its 8-hex `prompt_hash`.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use models::TurnEvent;
use orchestrator::MockImage;
use orchestrator::testing::prompt_hash;

use super::harness::{check, input, mock_providers};

#[derive(Clone, Default)]
struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One process-wide subscriber. A scoped one (`set_default`) can miss events whose callsites
/// another test, running in parallel, registered at the same moment; every test's logs land
/// here, and none may leak either.
fn captured_logs() -> &'static CapturedLogs {
    static LOGS: OnceLock<CapturedLogs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = CapturedLogs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
        logs
    })
}

#[tokio::test(flavor = "current_thread")]
async fn logs_hold_prompt_hashes_but_no_prompt_narrative_or_player_text() {
    let logs = captured_logs();

    let mut secrets = vec!["open the rusted door".to_owned()];
    let mut hashes = Vec::new();
    for mode in [MockImage::Scene, MockImage::Fail, MockImage::Safety, MockImage::Item] {
        let (game_master, images) = mock_providers();
        let turn = check(game_master, images, input("en-US", 100), mode, |_| {}).await;
        let output = turn.final_output();
        secrets.push(output.narrative.clone());
        secrets.extend(turn.events.iter().filter_map(|e| match e {
            TurnEvent::Narrative { text } if text.len() > 8 => Some(text.trim().to_owned()),
            _ => None,
        }));
        let prompt = output.render.image_job.as_ref().unwrap().prompt.clone();
        hashes.push(prompt_hash(&prompt));
        secrets.push(prompt);
    }

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("image outcome"), "the outcome lines were captured:\n{text}");
    for hash in &hashes {
        assert!(text.contains(hash.as_str()), "prompt_hash {hash} is logged");
    }
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "the log leaks {secret:?}");
    }
}
