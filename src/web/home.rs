//! The home page: each role sees where its work is.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::partners;
use crate::domain::Role;
use crate::web::error::AppError;
use crate::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    page: Page,
    intro_key: &'static str,
    partner_name: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    page: Page,
) -> Result<HomePage, AppError> {
    let partner_name = match user.partner_id {
        Some(id) => partners::find(&state.db, id).await?.map(|p| p.name),
        None => None,
    };
    Ok(HomePage {
        page,
        intro_key: match user.role {
            Role::Partner => "home-intro-partner",
            Role::PartnerCare => "home-intro-partner_care",
            Role::SalesRep => "home-intro-sales_rep",
            Role::Admin => "home-intro-admin",
        },
        partner_name,
    })
}
