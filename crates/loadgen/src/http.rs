//! A minimal HTTP/1.1 client over one TCP connection: enough to POST a turn and read its streamed
//! answer (chunked, length-delimited or closed by the server), and to reuse the connection after.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The status line and the headers that decide how the body is framed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    pub status: u16,
    pub content_type: String,
    framing: Framing,
    keep_alive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Chunked,
    Length(usize),
    UntilClose,
}

/// One connection, with the bytes read past what was consumed.
pub struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
    start: usize,
    reusable: bool,
}

impl Connection {
    pub async fn connect(address: &str) -> io::Result<Self> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Connection { stream, buffer: Vec::with_capacity(16 * 1024), start: 0, reusable: true })
    }

    /// True when the last response left the connection usable for another request.
    pub fn is_reusable(&self) -> bool {
        self.reusable
    }

    /// Sends a JSON POST and reads the answer's head.
    pub async fn post_json(&mut self, host: &str, path: &str, body: &[u8]) -> io::Result<ResponseHead> {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body);
        self.stream.write_all(&bytes).await?;
        self.read_head().await
    }

    async fn read_head(&mut self) -> io::Result<ResponseHead> {
        let status_line = self.read_line().await?;
        let status =
            status_line.split(' ').nth(1).and_then(|code| code.parse().ok()).ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidData, format!("bad status line {status_line:?}"))
            })?;
        let (mut framing, mut keep_alive, mut content_type) = (Framing::UntilClose, true, String::new());
        loop {
            let line = self.read_line().await?;
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else { continue };
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "transfer-encoding" if value.eq_ignore_ascii_case("chunked") => framing = Framing::Chunked,
                "content-length" if framing != Framing::Chunked => {
                    framing = Framing::Length(value.parse().map_err(|_| invalid("bad content-length"))?)
                }
                "connection" => keep_alive = !value.eq_ignore_ascii_case("close"),
                "content-type" => content_type = value.to_owned(),
                _ => {}
            }
        }
        self.reusable = keep_alive && framing != Framing::UntilClose;
        Ok(ResponseHead { status, content_type, framing, keep_alive })
    }

    /// Reads the whole body, handing each piece to `on_data` as soon as it arrives.
    pub async fn read_body(&mut self, head: &ResponseHead, mut on_data: impl FnMut(&[u8])) -> io::Result<()> {
        match head.framing {
            Framing::Length(mut left) => {
                while left > 0 {
                    if self.pending().is_empty() && self.fill().await? == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    let take = left.min(self.pending().len());
                    on_data(&self.buffer[self.start..self.start + take]);
                    self.start += take;
                    left -= take;
                }
            }
            Framing::UntilClose => {
                loop {
                    if !self.pending().is_empty() {
                        on_data(self.pending());
                        self.start = self.buffer.len();
                    }
                    if self.fill().await? == 0 {
                        break;
                    }
                }
                self.reusable = false;
            }
            Framing::Chunked => loop {
                let size_line = self.read_line().await?;
                let size_text = size_line.split(';').next().unwrap_or("").trim();
                let mut left = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
                if left == 0 {
                    while !self.read_line().await?.is_empty() {}
                    break;
                }
                while left > 0 {
                    if self.pending().is_empty() && self.fill().await? == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    let take = left.min(self.pending().len());
                    on_data(&self.buffer[self.start..self.start + take]);
                    self.start += take;
                    left -= take;
                }
                if !self.read_line().await?.is_empty() {
                    return Err(invalid("chunk not followed by CRLF"));
                }
            },
        }
        self.reusable &= head.keep_alive;
        Ok(())
    }

    fn pending(&self) -> &[u8] {
        &self.buffer[self.start..]
    }

    async fn fill(&mut self) -> io::Result<usize> {
        if self.start > 0 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        let old = self.buffer.len();
        self.buffer.resize(old + 16 * 1024, 0);
        let read = self.stream.read(&mut self.buffer[old..]).await;
        self.buffer.truncate(old + *read.as_ref().unwrap_or(&0));
        read
    }

    async fn read_line(&mut self) -> io::Result<String> {
        loop {
            if let Some(end) = self.pending().windows(2).position(|pair| pair == b"\r\n") {
                let line = String::from_utf8_lossy(&self.pending()[..end]).into_owned();
                self.start += end + 2;
                return Ok(line);
            }
            if self.fill().await? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    }
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_owned())
}
