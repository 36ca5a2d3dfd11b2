//! (Stub: lands with issue 4.)
