//! Crawl (in progress)
