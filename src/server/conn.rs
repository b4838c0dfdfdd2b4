//! Connection limits: a client that sends a request too slowly
//! (slowloris), holds an idle connection open or never reads its response
//! is disconnected, and open connections are capped, so that connections,
//! like requests, cannot starve the server.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// A TCP listener whose connections carry [`TimedIo`]'s deadlines.
pub struct TimedListener {
    pub inner: TcpListener,
    /// Longest time from a request's first byte to its response.
    pub request_read_timeout: Duration,
    /// Longest time a connection may sit with no request.
    pub idle_timeout: Duration,
    /// Longest time a pending write may make no progress.
    pub write_timeout: Duration,
    /// One permit per open connection: at the cap, accepting waits until
    /// a connection closes (new clients wait in the kernel's backlog).
    pub connections: Arc<Semaphore>,
}

impl TimedListener {
    pub fn new(inner: TcpListener, config: &super::ServerConfig) -> Self {
        TimedListener {
            inner,
            request_read_timeout: config.request_read_timeout,
            idle_timeout: config.idle_timeout,
            write_timeout: config.write_timeout,
            connections: Arc::new(Semaphore::new(config.max_connections.max(1))),
        }
    }
}

impl axum::serve::Listener for TimedListener {
    type Io = TimedIo;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (TimedIo, std::net::SocketAddr) {
        let permit = self
            .connections
            .clone()
            .acquire_owned()
            .await
            .expect("the connection semaphore is never closed");
        let (io, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        let now = Instant::now();
        let io = TimedIo {
            inner: io,
            request_read_timeout: self.request_read_timeout,
            idle_timeout: self.idle_timeout,
            write_timeout: self.write_timeout,
            last_activity: now,
            reading_since: None,
            timer: Box::pin(tokio::time::sleep_until(now + self.idle_timeout)),
            write_blocked_since: None,
            write_timer: Box::pin(tokio::time::sleep_until(now + self.write_timeout)),
            _connection: permit,
            replacement: None,
        };
        (io, addr)
    }

    fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.inner.local_addr()
    }
}

/// A connection that fails its pending read once its deadline passes:
/// `request_read_timeout` after the first byte of a request that has no
/// response yet (the header, however slowly it trickles in), or
/// `idle_timeout` after the last byte between requests; and fails its
/// pending write once it has made no progress for `write_timeout`.
pub struct TimedIo {
    inner: TcpStream,
    request_read_timeout: Duration,
    idle_timeout: Duration,
    write_timeout: Duration,
    last_activity: Instant,
    reading_since: Option<Instant>,
    timer: Pin<Box<Sleep>>,
    /// When the current write started waiting for the client to read.
    write_blocked_since: Option<Instant>,
    write_timer: Pin<Box<Sleep>>,
    /// This connection's place under the cap, freed when it closes.
    _connection: OwnedSemaphorePermit,
    /// The documented error written instead of hyper's own bodiless one,
    /// and how much of it is written.
    replacement: Option<(Vec<u8>, usize)>,
}

impl TimedIo {
    fn deadline(&self) -> Instant {
        match self.reading_since {
            Some(start) => start + self.request_read_timeout,
            None => self.last_activity + self.idle_timeout,
        }
    }
}

impl AsyncRead for TimedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    let now = Instant::now();
                    self.last_activity = now;
                    self.reading_since.get_or_insert(now);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let deadline = self.deadline();
                expired(
                    &mut self.timer,
                    deadline,
                    cx,
                    "connection timed out (request too slow or idle too long)",
                )
                .map(Err)
            }
        }
    }
}

/// Polls `timer`, moved to `deadline` if it was set elsewhere: a time-out
/// error once the deadline has passed.
fn expired(
    timer: &mut Pin<Box<Sleep>>,
    deadline: Instant,
    cx: &mut Context<'_>,
    why: &'static str,
) -> Poll<io::Error> {
    if timer.deadline() != deadline {
        timer.as_mut().reset(deadline);
    }
    timer
        .as_mut()
        .poll(cx)
        .map(|()| io::Error::new(io::ErrorKind::TimedOut, why))
}

impl TimedIo {
    /// The result of a write: progress resets the write deadline and ends
    /// the request's read deadline; a pending write fails once it has
    /// waited `write_timeout` for the client to read.
    fn after_write(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        match result {
            Poll::Ready(Ok(n)) => {
                // A response is on its way: the request was read in time.
                self.reading_since = None;
                self.write_blocked_since = None;
                self.last_activity = Instant::now();
                Poll::Ready(Ok(n))
            }
            Poll::Pending => {
                let since = *self.write_blocked_since.get_or_insert_with(Instant::now);
                let deadline = since + self.write_timeout;
                expired(
                    &mut self.write_timer,
                    deadline,
                    cx,
                    "connection timed out (the client stopped reading the response)",
                )
                .map(Err)
            }
            other => other,
        }
    }

    /// Writes what is left of the replacement error response.
    fn drain_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = self.replacement.take() {
            if written == bytes.len() {
                return Poll::Ready(Ok(()));
            }
            let result = Pin::new(&mut self.inner).poll_write(cx, &bytes[written..]);
            let result = self.after_write(cx, result);
            match result {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.replacement = Some((bytes, written + n)),
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => {
                    self.replacement = Some((bytes, written));
                    return Poll::Pending;
                }
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Takes `data` in place of writing it when it is one of hyper's own
    /// error responses (a malformed request line, too many or too large
    /// headers, a target over 64 KiB: answered before any handler, with no
    /// body); the documented JSON error is written instead.
    fn replace_hyper_error(&mut self, cx: &mut Context<'_>, data: &[u8]) -> Option<usize> {
        let replacement = documented_error_for(data)?;
        self.replacement = Some((replacement, 0));
        // What cannot be written now is written by the flush that follows.
        if let Poll::Ready(Err(e)) = self.drain_replacement(cx) {
            tracing::debug!(error = %e, "could not write an error response");
        }
        Some(data.len())
    }
}

/// The documented error response (JSON body, security headers) for a
/// response head hyper wrote itself: an error status, no body, and none of
/// the headers every response of the service carries.
fn documented_error_for(head: &[u8]) -> Option<Vec<u8>> {
    let status_line = head.strip_prefix(b"HTTP/1.1 ")?;
    let status: u16 = std::str::from_utf8(status_line.get(..3)?)
        .ok()?
        .parse()
        .ok()?;
    let status = axum::http::StatusCode::from_u16(status).ok()?;
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let lower = head.to_ascii_lowercase();
    if !(status.is_client_error() || status.is_server_error())
        || end != head.len()
        || lower
            .windows(b"x-content-type-options:".len())
            .any(|w| w == b"x-content-type-options:")
    {
        return None;
    }
    let code = super::error::ErrorCode::for_status(status);
    let body = serde_json::to_vec(&super::error::ErrorBody {
        error: super::error::ErrorDetail {
            code,
            message: code.default_message().to_string(),
            params: None,
        },
    })
    .ok()?;
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    for (name, value) in super::SECURITY_HEADERS {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(&body);
    Some(out)
}

impl AsyncWrite for TimedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.drain_replacement(cx))?;
        if let Some(n) = self.replace_hyper_error(cx, data) {
            return Poll::Ready(Ok(n));
        }
        let result = Pin::new(&mut self.inner).poll_write(cx, data);
        self.after_write(cx, result)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.drain_replacement(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.drain_replacement(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.drain_replacement(cx))?;
        let mut nonempty = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (nonempty.next(), nonempty.next())
            && let Some(n) = self.replace_hyper_error(cx, only)
        {
            return Poll::Ready(Ok(n));
        }
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.after_write(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::documented_error_for;

    #[test]
    fn only_hyper_s_own_bodiless_errors_are_replaced() {
        let hyper =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let out = String::from_utf8(documented_error_for(hyper).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 431 "), "{out}");
        assert!(out.contains("x-content-type-options: nosniff\r\n"), "{out}");
        assert!(out.ends_with(r#"{"error":{"code":"headers_too_large","message":"the request headers are too large"}}"#), "{out}");
        for ours in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\nx-content-type-options: nosniff\r\ncontent-length: 2\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}",
            b"HTTP/1.1 400 Bad Req",
        ] {
            assert!(documented_error_for(ours).is_none());
        }
    }
}
