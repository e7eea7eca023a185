//! The daily workspaces of each role. Their full pages arrive with the dashboard; until then
//! each route exists with its role check and says what is coming.

use askama::Template;
use askama_web::WebTemplate;

use crate::auth::{CareUser, PartnerUser, SalesUser};
use crate::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "workspace.html")]
pub struct WorkspacePage {
    page: Page,
    title_key: &'static str,
    intro_key: &'static str,
}

pub async fn bookings(_user: PartnerUser, page: Page) -> WorkspacePage {
    WorkspacePage {
        page,
        title_key: "bookings-title",
        intro_key: "bookings-coming",
    }
}

pub async fn care_mismatches(_user: CareUser, page: Page) -> WorkspacePage {
    WorkspacePage {
        page,
        title_key: "mismatches-title",
        intro_key: "mismatches-coming",
    }
}

pub async fn sales_connections(_user: SalesUser, page: Page) -> WorkspacePage {
    WorkspacePage {
        page,
        title_key: "connections-title",
        intro_key: "connections-coming",
    }
}
