//! The load generator against a server that accepts and at once closes every connection: it
//! pauses between attempts instead of spinning at the server.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn failed_connections_and_turns_are_retried_after_a_pause_not_in_a_tight_loop() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for connection in listener.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(connection);
        }
    });
    let status = Command::new(env!("CARGO_BIN_EXE_uw-loadgen"))
        .args(["--url", &format!("http://{address}"), "--concurrency", "1", "--duration-s", "2"])
        .args(["--background-images", "1", "--json"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    // Two loops pausing 50 ms between attempts make about 80 in 2 s; a tight loop makes thousands.
    let attempts = accepted.load(Ordering::SeqCst);
    assert!((1..400).contains(&attempts), "{attempts} connections in 2 s");
}
