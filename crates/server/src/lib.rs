//! The SSE turn server.
