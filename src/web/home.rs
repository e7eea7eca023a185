//! The home page: each role sees where its work is.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::db::partners;
use crate::domain::Role;
use crate::web::error::AppError;
use crate::web::page::Page;
use crate::web::partner_home::{self, PartnerHome};
use crate::web::session::CurrentUser;
use crate::web::staff_home::{self, CareHome, SalesHome};
use crate::web::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    page: Page,
    intro_key: &'static str,
    partner_name: Option<String>,
    /// The partner's dashboard; `None` for staff.
    partner: Option<PartnerHome>,
    /// Partner Care's counts and cases.
    care: Option<CareHome>,
    /// The sales rep's requests and verifications.
    sales: Option<SalesHome>,
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
    let partner = match (user.role, user.partner_id) {
        (Role::Partner, Some(id)) => {
            Some(partner_home::load(&state.db, id, &page, state.clock.now()).await?)
        }
        _ => None,
    };
    let care = match user.role {
        Role::PartnerCare => Some(staff_home::care(&state.db).await?),
        _ => None,
    };
    let sales = match user.role {
        Role::SalesRep => Some(staff_home::sales(&state.db).await?),
        _ => None,
    };
    Ok(HomePage {
        care,
        sales,
        page,
        intro_key: match user.role {
            Role::Partner => "home-intro-partner",
            Role::PartnerCare => "home-intro-partner_care",
            Role::SalesRep => "home-intro-sales_rep",
            Role::Admin => "home-intro-admin",
        },
        partner_name,
        partner,
    })
}
