//! report.html (in progress)
