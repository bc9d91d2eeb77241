//! Script-derived URLs: `location` redirects, `window.open`, TRS `createPageHTML`,
//! Hanweb datastore records.
