//! Connection timeouts: a client that sends a request too slowly
//! (slowloris) or holds an idle connection open is disconnected, so that
//! connections, like requests, cannot starve the server.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// A TCP listener whose connections carry [`TimedIo`]'s deadlines.
pub struct TimedListener {
    pub inner: TcpListener,
    /// Longest time from a request's first byte to its response.
    pub request_read_timeout: Duration,
    /// Longest time a connection may sit with no request.
    pub idle_timeout: Duration,
}

impl axum::serve::Listener for TimedListener {
    type Io = TimedIo;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (TimedIo, std::net::SocketAddr) {
        let (io, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        let now = Instant::now();
        let io = TimedIo {
            inner: io,
            request_read_timeout: self.request_read_timeout,
            idle_timeout: self.idle_timeout,
            last_activity: now,
            reading_since: None,
            timer: Box::pin(tokio::time::sleep_until(now + self.idle_timeout)),
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
/// `idle_timeout` after the last byte between requests.
pub struct TimedIo {
    inner: TcpStream,
    request_read_timeout: Duration,
    idle_timeout: Duration,
    last_activity: Instant,
    reading_since: Option<Instant>,
    timer: Pin<Box<Sleep>>,
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
                if self.timer.deadline() != deadline {
                    self.timer.as_mut().reset(deadline);
                }
                match self.timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "connection timed out (request too slow or idle too long)",
                    ))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl AsyncWrite for TimedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, data);
        if let Poll::Ready(Ok(_)) = result {
            // A response is on its way: the request was read in time.
            self.reading_since = None;
            self.last_activity = Instant::now();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(_)) = result {
            self.reading_since = None;
            self.last_activity = Instant::now();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
