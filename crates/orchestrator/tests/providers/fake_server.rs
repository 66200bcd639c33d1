//! A tiny HTTP/1.1 server on port 0 that answers from a script and records every request, so
//! the providers can be tested against their wire formats without the internet.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One answer of the script.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A status and a JSON body.
    Json(u16, Value),
    /// A status, extra headers and a raw body.
    Raw(u16, Vec<(&'static str, String)>, Vec<u8>),
    /// The reply, after a pause.
    Slow(Duration, Box<Reply>),
    /// Reads the request, then closes the connection without a word.
    Drop,
    /// A 200 `text/event-stream` sent in these byte chunks, `pause` apart, with chunked transfer
    /// encoding; `complete = false` breaks the connection before the last chunk marker.
    Stream { chunks: Vec<Vec<u8>>, pause: Duration, complete: bool },
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply::Json(status, body)
    }

    /// A Google-style error body.
    pub fn google_error(status: u16, word: &str) -> Reply {
        Reply::Json(status, serde_json::json!({"error": {"code": status, "message": "scripted", "status": word}}))
    }

    /// SSE events, one `data:` line each, cut into TCP chunks of `piece` bytes (cutting
    /// through lines and UTF-8 characters alike).
    pub fn sse(events: &[String], piece: usize) -> Reply {
        let wire: Vec<u8> = events.iter().flat_map(|data| format!("data: {data}\r\n\r\n").into_bytes()).collect();
        Reply::Stream {
            chunks: wire.chunks(piece.max(1)).map(<[u8]>::to_vec).collect(),
            pause: Duration::from_millis(2),
            complete: true,
        }
    }
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The path with its query, e.g. `/v1beta/models/m:streamGenerateContent?alt=sse`.
    pub path: String,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

pub struct FakeServer {
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeServer {
    /// Serves `script` in order, one reply per request; past its end it answers 599.
    pub async fn start(script: Vec<Reply>) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script.into_iter()));
        let recorded = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else { return };
                let (recorded, script) = (Arc::clone(&recorded), Arc::clone(&script));
                tokio::spawn(async move {
                    let _ = serve(socket, recorded, script).await;
                });
            }
        });
        FakeServer { url, requests, task }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "exactly one request");
        requests[0].clone()
    }
}

type Script = Arc<Mutex<std::vec::IntoIter<Reply>>>;

/// Serves the requests of one connection; every reply closes it.
async fn serve(mut socket: TcpStream, recorded: Arc<Mutex<Vec<Recorded>>>, script: Script) -> std::io::Result<()> {
    let request = read_request(&mut socket).await?;
    recorded.lock().unwrap().push(request);
    let reply =
        script.lock().unwrap().next().unwrap_or(Reply::Json(599, serde_json::json!({"error": "no reply left"})));
    write_reply(&mut socket, reply).await
}

async fn read_request(socket: &mut TcpStream) -> std::io::Result<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break end;
        }
        let read = socket.read(&mut chunk).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let path = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = socket.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Ok(Recorded { method, path, headers, body })
}

async fn write_reply(socket: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Json(status, body) => {
            let body = serde_json::to_vec(&body).unwrap();
            write_whole(socket, status, &[("content-type", "application/json".to_owned())], &body).await
        }
        Reply::Raw(status, headers, body) => write_whole(socket, status, &headers, &body).await,
        Reply::Slow(pause, reply) => {
            tokio::time::sleep(pause).await;
            Box::pin(write_reply(socket, *reply)).await
        }
        Reply::Drop => socket.shutdown().await,
        Reply::Stream { chunks, pause, complete } => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\
                        connection: close\r\n\r\n";
            socket.write_all(head.as_bytes()).await?;
            for chunk in chunks {
                socket.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
                socket.write_all(&chunk).await?;
                socket.write_all(b"\r\n").await?;
                socket.flush().await?;
                tokio::time::sleep(pause).await;
            }
            if complete {
                socket.write_all(b"0\r\n\r\n").await?;
            }
            socket.shutdown().await
        }
    }
}

async fn write_whole(
    socket: &mut TcpStream,
    status: u16,
    headers: &[(&'static str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} Scripted\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    socket.write_all(head.as_bytes()).await?;
    socket.write_all(body).await?;
    socket.shutdown().await
}
