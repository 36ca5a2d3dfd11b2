//! The Cloudflare Worker host. Filled in by the edge issue; for now it only links core.
