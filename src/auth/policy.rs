//! Every visibility and permission rule of Cadence, in one place. Services call these before
//! they read or write; resolvers never check roles themselves.

use super::{Scope, Viewer};
use crate::error::{AppError, AppResult};

/// Any authenticated viewer; fails with UNAUTHENTICATED otherwise.
pub fn ensure_authenticated(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        _ => Ok(()),
    }
}

/// The org chart (people, titles, teams, reporting lines): any authenticated person, and
/// integrations holding `org:read` or `org:write`.
pub fn ensure_can_read_org(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { .. } => Ok(()),
        Viewer::Integration { .. }
            if viewer.has_scope(Scope::OrgRead) || viewer.has_scope(Scope::OrgWrite) =>
        {
            Ok(())
        }
        Viewer::Integration { .. } => Err(AppError::forbidden(
            "reading the org chart needs the org:read scope",
        )),
    }
}

/// Writing people, teams and reporting lines: hr_admin, or an integration with `org:write`.
pub fn ensure_can_write_org(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        Viewer::Integration { .. } if viewer.has_scope(Scope::OrgWrite) => Ok(()),
        _ => Err(AppError::forbidden(
            "changing the org chart needs the hr_admin role or the org:write scope",
        )),
    }
}
